package org.amct.api;

import java.util.Optional;
import java.util.OptionalInt;
import org.amct.api.graph.Size2d;

/**
 * What {@link TensorDecompose#inspect} says about one Conv2d.
 *
 * @param name the layer's dotted name
 * @param inChannels input channels
 * @param outChannels output channels
 * @param kernelSize kernel size
 * @param stride stride
 * @param groups groups
 * @param eligible whether it would be decomposed
 * @param reason why not, when not eligible
 * @param mode the decomposition mode, when eligible
 * @param rank the rank it would get, when eligible and ranks were asked for
 */
public record LayerInspection(
        String name,
        int inChannels,
        int outChannels,
        Size2d kernelSize,
        Size2d stride,
        int groups,
        boolean eligible,
        Optional<String> reason,
        Optional<String> mode,
        OptionalInt rank) {}
