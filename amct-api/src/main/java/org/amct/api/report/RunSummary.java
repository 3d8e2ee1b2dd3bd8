package org.amct.api.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Size2d;

/**
 * What the reports show of one decomposition run, in this package's own terms: the decomposed
 * model, the backend, one entry per decomposed layer, the Conv2d layers left unchanged, the info
 * file, the model's MACs per inference and the target. {@code DecompositionResult.summary()} builds
 * it from a result; {@link HtmlReport} and {@link JsonReport} render it. The report package reads
 * nothing else of the API's entry points, so that they stay the top layer (docs/design/DESIGN.md).
 *
 * @param model the decomposed model, for the totals over its Conv2d layers
 * @param backend the backend that did the work
 * @param layers one entry per decomposed layer, in model order
 * @param skipped the Conv2d layers left unchanged and why, in model order
 * @param decomposeInfoFile the decomposition-info file written, if any
 * @param macsBeforeAtInput multiply-accumulates of all Conv2d layers for one inference at the
 *     model's input shape, when every Conv2d's input size is known
 * @param macsAfterAtInput the same after
 * @param target the global budget and how it was met, when one was set
 */
public record RunSummary(
        ModelGraph model,
        Backend backend,
        List<Layer> layers,
        List<Skipped> skipped,
        Optional<Path> decomposeInfoFile,
        OptionalLong macsBeforeAtInput,
        OptionalLong macsAfterAtInput,
        Optional<Target> target) {
    /**
     * Checks the parts are present and copies the lists.
     *
     * @param model the decomposed model
     * @param backend the backend that did the work
     * @param layers one entry per decomposed layer, in model order
     * @param skipped the Conv2d layers left unchanged, in model order
     * @param decomposeInfoFile the decomposition-info file written, if any
     * @param macsBeforeAtInput MACs per inference before, when known
     * @param macsAfterAtInput MACs per inference after, when known
     * @param target the budget and how it was met, when one was set
     */
    public RunSummary {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(backend, "backend");
        layers = List.copyOf(layers);
        skipped = List.copyOf(skipped);
        Objects.requireNonNull(decomposeInfoFile, "decomposeInfoFile");
        Objects.requireNonNull(macsBeforeAtInput, "macsBeforeAtInput");
        Objects.requireNonNull(macsAfterAtInput, "macsAfterAtInput");
        Objects.requireNonNull(target, "target");
    }

    /**
     * The same summary naming another info file: for a report written before the info file is moved
     * to where it will stay.
     *
     * @param file the info file's final path
     * @return a copy
     */
    public RunSummary withDecomposeInfoFile(Path file) {
        return new RunSummary(
                model,
                backend,
                layers,
                skipped,
                Optional.of(file),
                macsBeforeAtInput,
                macsAfterAtInput,
                target);
    }

    /**
     * The backend a run used.
     *
     * @param id its id, for example {@code "ejml"}
     * @param displayName its name, for example {@code "EJML (pure Java)"}
     * @param device the device it computed on
     * @param forced whether the user asked for it
     */
    public record Backend(String id, String displayName, String device, boolean forced) {}

    /**
     * One decomposed layer.
     *
     * @param name the layer's dotted name
     * @param mode the decomposition mode, for example {@code "SCFK"}
     * @param rank the chosen rank
     * @param inChannels input channels
     * @param outChannels output channels
     * @param kernelSize the original kernel
     * @param stride the original stride
     * @param firstShape the first conv's weight shape
     * @param lastShape the last conv's weight shape
     * @param paramsBefore weights and bias of the original layer
     * @param paramsAfter weights and bias of the two new layers
     * @param macsBefore multiply-accumulates per output pixel of the original layer
     * @param macsAfter the same for the two new layers
     * @param relativeError {@code ||W - W'|| / ||W||} in float64
     * @param storedRelativeError the same for the weights as stored in the layer's dtype
     * @param clampedElements elements clamped to the dtype's finite range
     * @param seconds time spent on the layer
     * @param spectrum the singular values and the marks of the rank rule
     * @param policy what chose the rank, for example {@code "amct"} or {@code "energy:0.9"}
     * @param macsBeforeAtInput MACs of the original layer per inference, when known
     * @param macsAfterAtInput MACs of the two new layers per inference, when known
     */
    public record Layer(
            String name,
            String mode,
            int rank,
            int inChannels,
            int outChannels,
            Size2d kernelSize,
            Size2d stride,
            List<Integer> firstShape,
            List<Integer> lastShape,
            long paramsBefore,
            long paramsAfter,
            long macsBefore,
            long macsAfter,
            double relativeError,
            double storedRelativeError,
            long clampedElements,
            double seconds,
            Marks spectrum,
            String policy,
            OptionalLong macsBeforeAtInput,
            OptionalLong macsAfterAtInput) {
        /**
         * Copies the shapes and checks the parts are present.
         *
         * @param name the layer's dotted name
         * @param mode the decomposition mode
         * @param rank the chosen rank
         * @param inChannels input channels
         * @param outChannels output channels
         * @param kernelSize the original kernel
         * @param stride the original stride
         * @param firstShape the first conv's weight shape
         * @param lastShape the last conv's weight shape
         * @param paramsBefore weights and bias of the original layer
         * @param paramsAfter weights and bias of the two new layers
         * @param macsBefore multiply-accumulates per output pixel of the original layer
         * @param macsAfter the same for the two new layers
         * @param relativeError {@code ||W - W'|| / ||W||} in float64
         * @param storedRelativeError the same for the weights as stored
         * @param clampedElements elements clamped to the dtype's finite range
         * @param seconds time spent on the layer
         * @param spectrum the singular values and the marks of the rank rule
         * @param policy what chose the rank
         * @param macsBeforeAtInput MACs of the original layer per inference, when known
         * @param macsAfterAtInput MACs of the two new layers per inference, when known
         */
        public Layer {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(kernelSize, "kernelSize");
            Objects.requireNonNull(stride, "stride");
            firstShape = List.copyOf(firstShape);
            lastShape = List.copyOf(lastShape);
            Objects.requireNonNull(spectrum, "spectrum");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(macsBeforeAtInput, "macsBeforeAtInput");
            Objects.requireNonNull(macsAfterAtInput, "macsAfterAtInput");
        }
    }

    /**
     * A layer's singular values and the marks of the rank rule.
     *
     * @param singularValues all singular values, descending
     * @param threshold the VBMF threshold, NaN when the rule fell back to full rank
     * @param vbmfRank how many singular values exceed the threshold, -1 when the rule fell back
     * @param clampLow the lower end of the clamp band
     * @param clampHigh the upper end of the clamp band
     * @param whitened whether these are the whitened unfolding's singular values (calibration data,
     *     docs/design/ALGORITHM.md section 8)
     */
    public record Marks(
            double[] singularValues,
            double threshold,
            int vbmfRank,
            int clampLow,
            int clampHigh,
            boolean whitened) {
        /**
         * Copies the values.
         *
         * @param singularValues all singular values, descending
         * @param threshold the VBMF threshold, NaN when the rule fell back to full rank
         * @param vbmfRank how many singular values exceed the threshold, -1 when the rule fell back
         * @param clampLow the lower end of the clamp band
         * @param clampHigh the upper end of the clamp band
         * @param whitened whether these are the whitened unfolding's singular values
         */
        public Marks {
            singularValues = singularValues.clone();
        }

        /**
         * All singular values, descending.
         *
         * @return a copy; the caller owns it
         */
        @Override
        public double[] singularValues() {
            return singularValues.clone();
        }

        /** The number of singular values, without copying them. */
        int count() {
            return singularValues.length;
        }
    }

    /**
     * A Conv2d left unchanged.
     *
     * @param name the layer's dotted name
     * @param reason the rule that applied, for example {@code "groups 2 > 1"}
     * @param parameters its weights and bias, when the name is a Conv2d of the model
     */
    public record Skipped(String name, String reason, OptionalLong parameters) {
        /**
         * Checks the parts are present.
         *
         * @param name the layer's dotted name
         * @param reason the rule that applied
         * @param parameters its weights and bias, when known
         */
        public Skipped {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(parameters, "parameters");
        }
    }

    /**
     * How a global budget was met.
     *
     * @param spelling the budget as written, for example {@code "target-params:0.4"}
     * @param measure what it limits, {@code "params"} or {@code "macs"}
     * @param fraction the share of the measure allowed, in (0, 1]
     * @param before the measure summed over all Conv2d layers before
     * @param limit the most allowed after
     * @param after the measure after
     * @param achieved {@code after / before}, 1 when {@code before} is 0
     * @param spectra which spectra the allocation weighed the errors on: {@code "weights"}, {@code
     *     "whitened"} or {@code "mixed"}
     */
    public record Target(
            String spelling,
            String measure,
            double fraction,
            long before,
            long limit,
            long after,
            double achieved,
            String spectra) {
        /**
         * Checks the parts are present.
         *
         * @param spelling the budget as written
         * @param measure what it limits
         * @param fraction the share allowed
         * @param before the measure before
         * @param limit the most allowed after
         * @param after the measure after
         * @param achieved {@code after / before}
         * @param spectra which spectra the allocation used
         */
        public Target {
            Objects.requireNonNull(spelling, "spelling");
            Objects.requireNonNull(measure, "measure");
            Objects.requireNonNull(spectra, "spectra");
        }
    }
}
