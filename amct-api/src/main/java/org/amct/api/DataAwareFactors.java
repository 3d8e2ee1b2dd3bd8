package org.amct.api;

import java.util.Objects;

/**
 * Data-aware factors (docs/design/ALGORITHM.md section 8): each layer's two new convs minimise the
 * expected error of its output on the calibration data instead of the error of its weight. The rank
 * of each layer is still chosen by the {@link RankPolicy}; only the factors change. With rank
 * {@code n} the decomposition stays exact.
 *
 * @param statistics the input-patch second moments per layer
 * @param damping {@code delta} in {@code S + delta * mean(diag S) * I}, which keeps the Cholesky
 *     factor well conditioned; 0.01 by default
 */
public record DataAwareFactors(LayerStatistics statistics, double damping) {
    /** The damping the prototype measured with. */
    public static final double DEFAULT_DAMPING = 0.01;

    /**
     * Validates the settings.
     *
     * @param statistics the input-patch second moments per layer
     * @param damping {@code delta}, finite and {@code > 0}
     * @throws IllegalArgumentException if {@code damping} is not finite and positive
     */
    public DataAwareFactors {
        Objects.requireNonNull(statistics, "statistics");
        if (!(damping > 0) || !Double.isFinite(damping)) {
            throw new IllegalArgumentException("damping must be finite and > 0, got " + damping);
        }
    }

    /**
     * Data-aware factors with the default damping.
     *
     * @param statistics the input-patch second moments per layer
     * @return the settings
     */
    public static DataAwareFactors of(LayerStatistics statistics) {
        return new DataAwareFactors(statistics, DEFAULT_DAMPING);
    }
}
