package org.amct.api;

import java.util.Objects;

/**
 * How a global budget was met.
 *
 * @param target the budget asked for
 * @param before the measure summed over all Conv2d layers before
 * @param limit {@code floor(fraction * before)}, the most allowed after
 * @param after the measure summed over all Conv2d layers after ({@code <= limit} for ranks the
 *     allocation chose)
 * @param spectra which spectra the allocation weighed the layers' errors on
 */
public record TargetReport(
        CompressionTarget target, long before, long limit, long after, Spectra spectra) {
    /** Which spectra a budget was allocated on (docs/design/ALGORITHM.md section 8). */
    public enum Spectra {
        /** The singular values of each layer's unfolding: the weight error, no data. */
        WEIGHTS,
        /**
         * The singular values of each layer's whitened unfolding, from calibration statistics: the
         * expected output error of each layer on the calibration data.
         */
        WHITENED,
        /** Whitened where the statistics had the layer, the weights' own elsewhere. */
        MIXED;

        /**
         * The spelling in reports: {@code weights}, {@code whitened} or {@code mixed}.
         *
         * @return the lower-case name
         */
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Checks the parts.
     *
     * @param target the budget asked for
     * @param before the measure before
     * @param limit the most allowed after
     * @param after the measure after
     * @param spectra which spectra the allocation used
     */
    public TargetReport {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(spectra, "spectra");
    }

    /**
     * A budget allocated on the weight spectra.
     *
     * @param target the budget asked for
     * @param before the measure before
     * @param limit the most allowed after
     * @param after the measure after
     */
    public TargetReport(CompressionTarget target, long before, long limit, long after) {
        this(target, before, limit, after, Spectra.WEIGHTS);
    }

    /**
     * What fraction of the measure is kept.
     *
     * @return {@code after / before}, 1 when {@code before} is 0
     */
    public double achieved() {
        return before == 0 ? 1.0 : (double) after / before;
    }
}
