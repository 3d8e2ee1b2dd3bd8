package org.amct.api;

import java.util.Locale;
import java.util.Objects;

/**
 * A global budget (docs/design/ALGORITHM.md section 8): after decomposition, the measure summed
 * over all Conv2d layers of the model is at most {@code fraction} times what it was. Ranks are then
 * allocated across the selected layers that have no rank of their own, to minimise the summed
 * relative reconstruction error ({@code sum(s[r:]^2) / sum(s^2)} per layer), with "leave the layer
 * unchanged" as a candidate and ranks on the rank multiple.
 *
 * @param measure what is counted
 * @param fraction in {@code (0, 1]}
 */
public record CompressionTarget(Measure measure, double fraction) {
    /** What a target counts. */
    public enum Measure {
        /** Weights and biases of all Conv2d layers ({@code --target-params}). */
        PARAMS,
        /**
         * Multiply-accumulates of all Conv2d layers for one inference at the model's input shape
         * ({@code --target-macs}); needs {@link DecompositionOptions#inputSizes()}.
         */
        MACS
    }

    /**
     * Checks the fraction.
     *
     * @param measure what is counted
     * @param fraction in {@code (0, 1]}
     * @throws IllegalArgumentException if the fraction is not in {@code (0, 1]}
     */
    public CompressionTarget {
        Objects.requireNonNull(measure, "measure");
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException(
                    "target fraction must be in (0, 1], got " + fraction);
        }
    }

    /**
     * A parameter budget.
     *
     * @param fraction in {@code (0, 1]}
     * @return the target
     */
    public static CompressionTarget params(double fraction) {
        return new CompressionTarget(Measure.PARAMS, fraction);
    }

    /**
     * A MAC budget.
     *
     * @param fraction in {@code (0, 1]}
     * @return the target
     */
    public static CompressionTarget macs(double fraction) {
        return new CompressionTarget(Measure.MACS, fraction);
    }

    /**
     * The spelling used in reports: {@code target-params:F} or {@code target-macs:F}.
     *
     * @return the spelling
     */
    @Override
    public String toString() {
        return "target-" + measure.name().toLowerCase(Locale.ROOT) + ":" + fraction;
    }
}
