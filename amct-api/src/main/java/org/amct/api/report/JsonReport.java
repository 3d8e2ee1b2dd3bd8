package org.amct.api.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Size2d;
import org.amct.api.io.AtomicFiles;
import org.amct.api.schema.RunReportCodec;
import org.amct.api.schema.RunReportDocument;

/**
 * A decomposition result as {@code report.json}, for programs: the schema version, the model, the
 * backend, one entry per decomposed layer (mode, rank, shapes, parameters and multiply-accumulates
 * before and after, relative error, seconds, the policy that chose the rank and the spectrum it was
 * chosen on and, when the input sizes are known, multiply-accumulates per inference), the layers
 * left unchanged with the reason, and totals over every Conv2d of the model (with MACs per
 * inference and the target, when known). The fields are listed in {@code docs/getting-started.md};
 * {@link #SCHEMA_VERSION} is raised when a field changes meaning or goes away (new fields do not
 * raise it).
 *
 * <p>Thread-safe: the methods are pure functions of their arguments, apart from the file written.
 */
public final class JsonReport {
    /** The {@code schema_version} this class writes. */
    public static final int SCHEMA_VERSION = 1;

    private JsonReport() {}

    /**
     * Sums over every Conv2d of a model, before and after a run: a layer left unchanged counts the
     * same on both sides. Multiply-accumulates are per output pixel ({@link
     * RunSummary.Layer#macsBefore()}), summed over the layers.
     *
     * @param paramsBefore Conv2d weights and biases of the original model
     * @param paramsAfter Conv2d weights and biases of the decomposed model
     * @param macsBefore multiply-accumulates per output pixel of the original Conv2d layers
     * @param macsAfter the same for the decomposed model
     */
    public record Totals(long paramsBefore, long paramsAfter, long macsBefore, long macsAfter) {
        /**
         * The totals of a run.
         *
         * @param original the model that was decomposed
         * @param run the run's summary ({@code DecompositionResult.summary()})
         * @return the totals
         */
        public static Totals of(ModelGraph original, RunSummary run) {
            Objects.requireNonNull(original, "original");
            Objects.requireNonNull(run, "run");
            long paramsBefore = parameters(original);
            long paramsAfter = parameters(run.model());
            long macsBefore =
                    original.convs().values().stream().mapToLong(c -> c.weight().numel()).sum();
            long macsAfter = macsBefore;
            for (RunSummary.Layer layer : run.layers()) {
                macsAfter += layer.macsAfter() - layer.macsBefore();
            }
            return new Totals(paramsBefore, paramsAfter, macsBefore, macsAfter);
        }

        private static long parameters(ModelGraph model) {
            return model.convs().values().stream().mapToLong(Conv2d::parameterCount).sum();
        }
    }

    /**
     * The report as JSON.
     *
     * @param modelName the model's name as the report should show it (a file name)
     * @param original the model that was decomposed, for the totals
     * @param run the run's summary ({@code DecompositionResult.summary()})
     * @param seconds the run's wall time
     * @return indented UTF-8 JSON
     */
    public static byte[] toJson(
            String modelName, ModelGraph original, RunSummary run, double seconds) {
        Objects.requireNonNull(modelName, "modelName");
        Totals totals = Totals.of(original, run);
        RunSummary.Backend backend = run.backend();
        RunReportDocument document =
                new RunReportDocument(
                        SCHEMA_VERSION,
                        modelName,
                        new RunReportDocument.Backend(
                                backend.id(),
                                backend.device(),
                                backend.displayName(),
                                backend.forced()),
                        run.layers().stream().map(JsonReport::layer).toList(),
                        run.skipped().stream()
                                .map(s -> new RunReportDocument.Skipped(s.name(), s.reason()))
                                .toList(),
                        new RunReportDocument.Totals(
                                totals.paramsBefore(),
                                totals.paramsAfter(),
                                totals.macsBefore(),
                                totals.macsAfter(),
                                seconds,
                                run.layers().size(),
                                run.skipped().size(),
                                boxed(run.macsBeforeAtInput()),
                                boxed(run.macsAfterAtInput()),
                                run.target().map(JsonReport::target).orElse(null)));
        return RunReportCodec.toJson(document);
    }

    /**
     * Writes the report atomically: the file is replaced only once complete, and left as it was if
     * writing fails.
     *
     * @param modelName the model's name as the report should show it (a file name)
     * @param original the model that was decomposed, for the totals
     * @param run the run's summary ({@code DecompositionResult.summary()})
     * @param seconds the run's wall time
     * @param file the {@code .json} file to create or replace; its folder must exist
     * @throws IOException if the file cannot be written
     */
    public static void write(
            String modelName, ModelGraph original, RunSummary run, double seconds, Path file)
            throws IOException {
        Objects.requireNonNull(file, "file");
        byte[] bytes = toJson(modelName, original, run, seconds);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    private static RunReportDocument.Layer layer(RunSummary.Layer layer) {
        return new RunReportDocument.Layer(
                layer.name(),
                layer.mode(),
                layer.rank(),
                layer.inChannels(),
                layer.outChannels(),
                pair(layer.kernelSize()),
                pair(layer.stride()),
                layer.firstShape(),
                layer.lastShape(),
                layer.paramsBefore(),
                layer.paramsAfter(),
                layer.macsBefore(),
                layer.macsAfter(),
                layer.policy(),
                layer.spectrum().whitened() ? "whitened" : "weights",
                boxed(layer.macsBeforeAtInput()),
                boxed(layer.macsAfterAtInput()),
                layer.relativeError(),
                layer.storedRelativeError(),
                layer.clampedElements(),
                layer.seconds());
    }

    private static Long boxed(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    private static RunReportDocument.Target target(RunSummary.Target target) {
        return new RunReportDocument.Target(
                target.measure(),
                target.fraction(),
                target.before(),
                target.limit(),
                target.after(),
                target.achieved(),
                target.spectra());
    }

    private static List<Integer> pair(Size2d size) {
        return Arrays.asList(size.height(), size.width());
    }
}
