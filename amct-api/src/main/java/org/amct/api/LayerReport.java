package org.amct.api;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.amct.api.graph.Size2d;

/**
 * What happened to one decomposed layer.
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
 * @param macsAfter multiply-accumulates per output pixel of the two new layers (the first conv's
 *     share counted per final output pixel)
 * @param relativeError {@code ||W - W'|| / ||W||} in float64, before casting back
 * @param storedRelativeError {@code ||W - W'|| / ||W||} of the two new weights as stored in the
 *     layer's dtype (rounded, and clamped to its finite range), measured for float16 and bfloat16;
 *     equal to {@code relativeError} for float64 and float32 (float32 rounding moves it by less
 *     than {@code 2^-24 (1 + sqrt(rank))})
 * @param clampedElements how many elements of the two new weights lay beyond the dtype's finite
 *     range (float16: 65504) and were stored as its largest finite value; 0 for float64
 * @param seconds time spent on the layer
 * @param spectrum the singular values and the marks of the rank rule
 * @param policy what chose the rank: {@code "amct"} (the reference rule), {@code "full"}, {@code
 *     "rank:N"}, {@code "energy:F"}, {@code "ratio:F"}, or a target ({@code "target-params:F"},
 *     {@code "target-macs:F"})
 * @param macsBeforeAtInput multiply-accumulates of the original layer for one inference at the
 *     model's input shape, when the layer's input size is known
 * @param macsAfterAtInput the same for the two new layers
 */
public record LayerReport(
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
        Spectrum spectrum,
        String policy,
        OptionalLong macsBeforeAtInput,
        OptionalLong macsAfterAtInput) {
    /**
     * Copies the shapes.
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
     * @param macsAfter multiply-accumulates per output pixel of the two new layers (the first
     *     conv's share counted per final output pixel)
     * @param relativeError {@code ||W - W'|| / ||W||} in float64, before casting back
     * @param storedRelativeError {@code ||W - W'|| / ||W||} of the two new weights as stored in the
     *     layer's dtype (rounded, and clamped to its finite range); equal to {@code relativeError}
     *     for float64
     * @param clampedElements how many elements of the two new weights lay beyond the dtype's finite
     *     range (float16: 65504) and were stored as its largest finite value; 0 for float64
     * @param seconds time spent on the layer
     * @param spectrum the singular values and the marks of the rank rule
     * @param policy what chose the rank
     * @param macsBeforeAtInput MACs of the original layer per inference, when known
     * @param macsAfterAtInput MACs of the two new layers per inference, when known
     */
    public LayerReport {
        firstShape = List.copyOf(firstShape);
        lastShape = List.copyOf(lastShape);
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(macsBeforeAtInput, "macsBeforeAtInput");
        Objects.requireNonNull(macsAfterAtInput, "macsAfterAtInput");
    }

    /**
     * A report of the reference rule without MACs per inference (the form before rank policies).
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
     * @param macsAfter multiply-accumulates per output pixel of the two new layers
     * @param relativeError {@code ||W - W'|| / ||W||}
     * @param storedRelativeError the same for the weights as stored
     * @param clampedElements elements clamped to the dtype's range
     * @param seconds time spent on the layer
     * @param spectrum the singular values and the marks of the rank rule
     */
    public LayerReport(
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
            Spectrum spectrum) {
        this(
                name,
                mode,
                rank,
                inChannels,
                outChannels,
                kernelSize,
                stride,
                firstShape,
                lastShape,
                paramsBefore,
                paramsAfter,
                macsBefore,
                macsAfter,
                relativeError,
                storedRelativeError,
                clampedElements,
                seconds,
                spectrum,
                "amct",
                OptionalLong.empty(),
                OptionalLong.empty());
    }
}
