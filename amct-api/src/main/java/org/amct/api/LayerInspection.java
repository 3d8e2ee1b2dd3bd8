package org.amct.api;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
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
 * @param rank the rank it would get, when eligible, ranks were asked for, and it would be
 *     decomposed
 * @param policy what would choose the rank, when ranks were asked for and the layer is selected
 * @param paramsBefore weights and bias of the layer
 * @param paramsAfter weights and bias after (the layer's own when it stays), when ranks were asked
 *     for
 * @param macsBefore multiply-accumulates per inference at the model's input shape, when known
 * @param macsAfter the same after, when known and ranks were asked for
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
        OptionalInt rank,
        Optional<String> policy,
        long paramsBefore,
        OptionalLong paramsAfter,
        OptionalLong macsBefore,
        OptionalLong macsAfter) {
    /**
     * Checks the parts.
     *
     * @param name the layer's dotted name
     * @param inChannels input channels
     * @param outChannels output channels
     * @param kernelSize kernel size
     * @param stride stride
     * @param groups groups
     * @param eligible whether it would be decomposed
     * @param reason why not
     * @param mode the decomposition mode
     * @param rank the rank it would get
     * @param policy what would choose it
     * @param paramsBefore parameters of the layer
     * @param paramsAfter parameters after
     * @param macsBefore MACs per inference, when known
     * @param macsAfter MACs per inference after, when known
     */
    public LayerInspection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(rank, "rank");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(paramsAfter, "paramsAfter");
        Objects.requireNonNull(macsBefore, "macsBefore");
        Objects.requireNonNull(macsAfter, "macsAfter");
    }

    /**
     * An inspection without sizes (the form before rank policies).
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
    public LayerInspection(
            String name,
            int inChannels,
            int outChannels,
            Size2d kernelSize,
            Size2d stride,
            int groups,
            boolean eligible,
            Optional<String> reason,
            Optional<String> mode,
            OptionalInt rank) {
        this(
                name,
                inChannels,
                outChannels,
                kernelSize,
                stride,
                groups,
                eligible,
                reason,
                mode,
                rank,
                Optional.empty(),
                0,
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalLong.empty());
    }
}
