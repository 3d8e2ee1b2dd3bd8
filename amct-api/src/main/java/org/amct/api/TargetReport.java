package org.amct.api;

import java.util.Objects;

/**
 * How a global budget was met.
 *
 * @param target the budget asked for
 * @param before the measure summed over all Conv2d layers before
 * @param limit {@code floor(fraction * before)}, the most allowed after
 * @param after the measure summed over all Conv2d layers after ({@code <= limit})
 */
public record TargetReport(CompressionTarget target, long before, long limit, long after) {
    /**
     * Checks the parts.
     *
     * @param target the budget asked for
     * @param before the measure before
     * @param limit the most allowed after
     * @param after the measure after
     */
    public TargetReport {
        Objects.requireNonNull(target, "target");
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
