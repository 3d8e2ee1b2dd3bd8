package org.amct.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.amct.api.DecomposedWeights;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.SkippedLayer;
import org.amct.api.TensorDecompose;
import org.amct.api.exception.DecompositionException;
import org.amct.api.graph.ModelGraph;
import org.amct.api.report.HtmlReport;
import org.amct.api.report.JsonReport;
import org.amct.onnx.OnnxModel;
import org.amct.onnx.UnmappedConv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code amct decompose}: decomposes every eligible Conv2d of an ONNX model. */
@Command(
        name = "decompose",
        mixinStandardHelpOptions = true,
        description = {
            "Decomposes every eligible Conv2d of MODEL into two thinner convs.",
            "Writes to DIR:",
            "  <model>_decomposed.onnx          the decomposed model",
            "  decompose_info.json              the decomposition info (when a layer changed)",
            "  decomposed_weights.safetensors   the Conv2d weights with PyTorch names (idem)",
            "  report.json                      per layer: mode, rank, shapes, parameters, error",
            "  report.html                      spectra and size charts (with --report-html)"
        })
final class DecomposeCommand implements Callable<Integer> {
    static final String INFO_FILE = "decompose_info.json";
    static final String WEIGHTS_FILE = "decomposed_weights.safetensors";
    static final String REPORT_FILE = "report.json";

    /** The picture report, written with {@code --report-html}. */
    static final String REPORT_HTML_FILE = "report.html";

    @Spec private CommandSpec spec;

    @ParentCommand private AmctCommand parent;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
    private Path model;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "The output folder (created if missing).")
    private Path output;

    @Option(names = "--overwrite", description = "Replace output files of an earlier run in DIR.")
    private boolean overwrite;

    @Option(
            names = "--report-html",
            description =
                    "Also write report.html: each layer's spectrum with the rank marks, and"
                            + " parameters and MACs before and after, for a browser.")
    private boolean reportHtml;

    @Mixin private BackendOptions backendOptions;

    @Mixin private RankOptions rankOptions;

    @Option(
            names = "--ranks",
            paramLabel = "FILE.json|LAYER=R[,LAYER=R...]",
            description =
                    "Per-layer ranks or policies: a JSON file ({\"layer1.0.conv1\": 64,"
                            + " \"layer2.*\": \"energy:0.9\"}) or LAYER=R pairs; R is a rank or"
                            + " a policy. An exact name wins over a glob; among globs the first"
                            + " listed wins. Repeatable.")
    private List<String> ranks = new java.util.ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Inputs.readable(model, "model");
        String onnxName = Inputs.stem(model) + "_decomposed.onnx";
        try (OutputFolder folder =
                OutputFolder.prepare(
                        output,
                        overwrite,
                        List.of(
                                onnxName,
                                onnxName + ".data",
                                INFO_FILE,
                                WEIGHTS_FILE,
                                REPORT_FILE,
                                REPORT_HTML_FILE))) {
            OnnxModel onnx = OnnxModel.read(model);
            DecompositionOptions options = options(folder, onnx);
            long start = System.nanoTime();
            DecompositionResult result;
            try {
                result = TensorDecompose.autoDecomposition(onnx.graph(), options);
            } catch (DecompositionException e) {
                // The API names the layer; only the command knows the file.
                throw new DecompositionException(
                        e.category(), "Model '" + model + "': " + e.getMessage(), e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            writeOutputs(folder, onnxName, onnx, result, seconds);
            // All outputs appear together, or none (a failure above leaves DIR as it was).
            List<Path> written = folder.commit();
            print(
                    spec.commandLine().getOut(),
                    onnx,
                    result,
                    JsonReport.Totals.of(onnx.graph(), result),
                    seconds,
                    written);
        }
        return ExitCode.SUCCESS.code();
    }

    private DecompositionOptions options(OutputFolder folder, OnnxModel onnx) throws IOException {
        DecompositionOptions.Builder options =
                rankOptions
                        .apply(backendOptions.apply(DecompositionOptions.builder()), ranks)
                        .decomposeInfoFile(folder.resolve(INFO_FILE));
        options.inputSizes(
                rankOptions.targetsMacs() ? onnx.convInputSizes() : onnx.knownConvInputSizes());
        if (parent.isInteractive()) {
            options.progress(new ProgressBar(spec.commandLine().getErr()));
        }
        try {
            return options.build();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Stages the model, the weights (when a layer changed) and the reports. */
    private void writeOutputs(
            OutputFolder folder,
            String onnxName,
            OnnxModel onnx,
            DecompositionResult result,
            double seconds)
            throws IOException {
        onnx.write(result.model(), folder.resolve(onnxName));
        if (!result.changes().isEmpty()) {
            writeWeights(folder, result.model());
        }
        byte[] report =
                JsonReport.toJson(model.getFileName().toString(), onnx.graph(), result, seconds);
        folder.write(REPORT_FILE, out -> out.write(report));
        if (reportHtml) {
            HtmlReport.write(result, folder.resolve(REPORT_HTML_FILE));
        }
    }

    private Path writeWeights(OutputFolder folder, ModelGraph decomposed) throws IOException {
        Path file = folder.resolve(WEIGHTS_FILE);
        DecomposedWeights.write(
                decomposed, file, Map.of("format", "pt", "source", model.getFileName().toString()));
        return file;
    }

    private static void print(
            PrintWriter out,
            OnnxModel onnx,
            DecompositionResult result,
            JsonReport.Totals totals,
            double seconds,
            List<Path> written) {
        if (result.layers().isEmpty()) {
            out.println(
                    "No Conv2d layer is eligible for decomposition: the model is written"
                            + " unchanged, with a report; no decomposition info or weights.");
        } else {
            LayerTable.decomposed(out, result.layers());
        }
        if (!result.skipped().isEmpty()) {
            out.println("Left unchanged:");
            for (SkippedLayer skipped : result.skipped()) {
                out.println("  " + skipped.name() + ": " + skipped.reason());
            }
        }
        for (UnmappedConv conv : onnx.unmappedConvs()) {
            out.println("  Conv node " + conv.node() + " (not a Conv2d): " + conv.reason());
        }
        out.printf(
                Locale.ROOT,
                "Decomposed %d of %d Conv2d layers on backend '%s' (%s) in %.2f s;"
                        + " Conv2d parameters %,d -> %,d (%.1f%%)%n",
                result.layers().size(),
                result.layers().size() + result.skipped().size(),
                result.backend().id(),
                result.backend().device(),
                seconds,
                totals.paramsBefore(),
                totals.paramsAfter(),
                100.0 * totals.paramsAfter() / Math.max(1, totals.paramsBefore()));
        result.target().ifPresent(target -> LayerTable.target(out, target));
        written.forEach(file -> out.println("Wrote " + file));
    }
}
