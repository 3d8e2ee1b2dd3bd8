package org.amct.api;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Sums over all Conv2d layers of a model, before and after decomposition.
 *
 * @param paramsBefore weights and biases before
 * @param paramsAfter weights and biases after
 * @param macsBefore multiply-accumulates for one inference at the model's input shape, when every
 *     Conv2d's input size is known
 * @param macsAfter the same after
 */
public record ModelTotals(
        long paramsBefore, long paramsAfter, OptionalLong macsBefore, OptionalLong macsAfter) {
    /**
     * Checks the parts.
     *
     * @param paramsBefore weights and biases before
     * @param paramsAfter weights and biases after
     * @param macsBefore MACs per inference before, when known
     * @param macsAfter MACs per inference after, when known
     */
    public ModelTotals {
        Objects.requireNonNull(macsBefore, "macsBefore");
        Objects.requireNonNull(macsAfter, "macsAfter");
    }
}
