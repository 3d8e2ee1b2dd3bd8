package org.amct.api;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
public record DecompositionResult(
        ModelGraph model,
        Map<String, List<String>> changes,
        BackendInfo backend,
        List<LayerReport> layers,
        List<SkippedLayer> skipped,
        Optional<Path> decomposeInfoFile) {
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
     */
    public DecompositionResult {
        changes = Collections.unmodifiableMap(new LinkedHashMap<>(changes));
        layers = List.copyOf(layers);
        skipped = List.copyOf(skipped);
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
