package org.amct.api.decompose;

import java.util.List;
import java.util.Objects;
import org.amct.api.graph.Size2d;

/**
 * One decomposed layer as the decomposition-info file records it: the original layer's
 * hyper-parameters, the mode and the two new weight shapes.
 *
 * @param name the layer's dotted name
 * @param inChannels input channels of the original layer
 * @param outChannels output channels of the original layer
 * @param kernelSize its kernel size
 * @param stride its stride
 * @param dilation its dilation
 * @param groups its groups
 * @param mode the decomposition mode
 * @param firstShape the first conv's weight shape, 4 dimensions
 * @param lastShape the last conv's weight shape, 4 dimensions
 */
public record LayerPlan(
        String name,
        int inChannels,
        int outChannels,
        Size2d kernelSize,
        Size2d stride,
        Size2d dilation,
        int groups,
        DecomposeMode mode,
        List<Integer> firstShape,
        List<Integer> lastShape) {
    /**
     * Copies the shapes.
     *
     * @param name the layer's dotted name
     * @param inChannels input channels of the original layer
     * @param outChannels output channels of the original layer
     * @param kernelSize its kernel size
     * @param stride its stride
     * @param dilation its dilation
     * @param groups its groups
     * @param mode the decomposition mode
     * @param firstShape the first conv's weight shape, 4 dimensions
     * @param lastShape the last conv's weight shape, 4 dimensions
     */
    public LayerPlan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        firstShape = List.copyOf(firstShape);
        lastShape = List.copyOf(lastShape);
    }

    /**
     * The rank: the first conv's output channels.
     *
     * @return {@code firstShape[0]}
     */
    public int rank() {
        return firstShape.get(0);
    }
}
