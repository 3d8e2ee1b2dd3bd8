package org.amct.calibration;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How close one output of a decomposed model stays to the original's, over the calibration samples.
 * Per sample, the output (without its batch axis) is one vector.
 *
 * @param name the output's name
 * @param samples how many samples were compared
 * @param meanCosine the mean cosine similarity of the sample vectors
 * @param minCosine the smallest cosine similarity
 * @param meanRelativeL2 the mean of {@code ||decomposed - original|| / ||original||}
 * @param maxRelativeL2 the largest relative L2 difference
 * @param maxAbsDifference the largest absolute difference of one element
 * @param top1Agreement for class scores (2-D outputs with more than one column): the share of
 *     samples whose highest-scoring class is the same
 */
public record OutputFidelity(
        String name,
        long samples,
        double meanCosine,
        double minCosine,
        double meanRelativeL2,
        double maxRelativeL2,
        double maxAbsDifference,
        OptionalDouble top1Agreement) {
    /**
     * Checks that no component is null.
     *
     * @param name the output's name
     * @param samples how many samples were compared
     * @param meanCosine the mean cosine similarity
     * @param minCosine the smallest cosine similarity
     * @param meanRelativeL2 the mean relative L2 difference
     * @param maxRelativeL2 the largest relative L2 difference
     * @param maxAbsDifference the largest absolute difference of one element
     * @param top1Agreement for class scores, the share of samples with the same top class
     */
    public OutputFidelity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(top1Agreement, "top1Agreement");
    }
}
