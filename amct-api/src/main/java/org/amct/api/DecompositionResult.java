package org.amct.api;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.amct.api.graph.ModelGraph;

/**
 * What {@link TensorDecompose#autoDecomposition} returns.
 *
 * @param model the decomposed model (the input model is never changed)
 * @param changes each decomposed layer's name mapped to the names of its two new layers, e.g.
 *     {@code {"conv1": ["conv1.0", "conv1.1"]}}; only changed layers appear
 * @param backend the backend that did the work
 * @param layers one report per decomposed layer, in model order
 * @param skipped the Conv2d layers left unchanged and why, in model order
 * @param decomposeInfoFile the decomposition-info file written, if one was asked for and at least
 *     one layer was decomposed
 * @param totals parameters (and MACs per inference, when every Conv2d's input size is known) of all
 *     Conv2d layers of the model, before and after
 * @param target the global budget and how it was met, when one was set
 */
public record DecompositionResult(
        ModelGraph model,
        Map<String, List<String>> changes,
        BackendInfo backend,
        List<LayerReport> layers,
        List<SkippedLayer> skipped,
        Optional<Path> decomposeInfoFile,
        ModelTotals totals,
        Optional<TargetReport> target) {
    /**
     * Copies the collections, keeping their order.
     *
     * @param model the decomposed model (the input model is never changed)
     * @param changes each decomposed layer's name mapped to the names of its two new layers, e.g.
     *     {@code {"conv1": ["conv1.0", "conv1.1"]}}; only changed layers appear
     * @param backend the backend that did the work
     * @param layers one report per decomposed layer, in model order
     * @param skipped the Conv2d layers left unchanged and why, in model order
     * @param decomposeInfoFile the decomposition-info file written, if one was asked for and at
     *     least one layer was decomposed
     * @param totals the model's Conv2d totals before and after
     * @param target the budget and how it was met, when one was set
     */
    public DecompositionResult {
        changes = Collections.unmodifiableMap(new LinkedHashMap<>(changes));
        layers = List.copyOf(layers);
        skipped = List.copyOf(skipped);
        Objects.requireNonNull(totals, "totals");
        Objects.requireNonNull(target, "target");
    }

    /**
     * A result whose totals are those of the decomposed layers only and without a target (the form
     * before rank policies).
     *
     * @param model the decomposed model
     * @param changes each decomposed layer's name mapped to the names of its two new layers
     * @param backend the backend that did the work
     * @param layers one report per decomposed layer, in model order
     * @param skipped the Conv2d layers left unchanged and why, in model order
     * @param decomposeInfoFile the decomposition-info file written, if any
     */
    public DecompositionResult(
            ModelGraph model,
            Map<String, List<String>> changes,
            BackendInfo backend,
            List<LayerReport> layers,
            List<SkippedLayer> skipped,
            Optional<Path> decomposeInfoFile) {
        this(
                model,
                changes,
                backend,
                layers,
                skipped,
                decomposeInfoFile,
                new ModelTotals(
                        layers.stream().mapToLong(LayerReport::paramsBefore).sum(),
                        layers.stream().mapToLong(LayerReport::paramsAfter).sum(),
                        OptionalLong.empty(),
                        OptionalLong.empty()),
                Optional.empty());
    }

    /**
     * The same result with the info file recorded.
     *
     * @param file the decomposition-info file written
     * @return a copy
     */
    DecompositionResult withInfoFile(Path file) {
        return new DecompositionResult(
                model, changes, backend, layers, skipped, Optional.of(file), totals, target);
    }

    /**
     * The result as the reports take it: {@link org.amct.api.report.HtmlReport} and {@link
     * org.amct.api.report.JsonReport} render it, for example {@code
     * HtmlReport.write(result.summary(), file)}.
     *
     * @return the summary of this result
     */
    public org.amct.api.report.RunSummary summary() {
        return Reports.summary(this);
    }

    /**
     * Parameters of all Conv2d layers before and after, summed over decomposed layers.
     *
     * @return {@code [before, after]}
     */
    public long[] parameterTotals() {
        long before = layers.stream().mapToLong(LayerReport::paramsBefore).sum();
        long after = layers.stream().mapToLong(LayerReport::paramsAfter).sum();
        return new long[] {before, after};
    }
}
