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
 *     factor well conditioned and shrinks the measured moment towards the weight-space objective;
 *     {@link #DEFAULT_DAMPING} by default
 */
public record DataAwareFactors(LayerStatistics statistics, double damping) {
    /**
     * The default damping, 10: a small calibration set's moment is shrunk towards the identity (the
     * weight-space objective) strongly enough that the ranks a budget allocates on it hold on
     * inputs outside the calibration set, while the few dominant directions of the activations
     * (their mean and leading components, whose eigenvalues lie far above {@code mean(diag S)})
     * still steer the factors. Measured on the face network with two held-out splits
     * (docs/calibration.md, "How much damping"): 0.01, the prototype's value, fits the calibration
     * chips best and the held-out faces worst; 1 to 100 all do better held out, 10 in the middle of
     * that range.
     */
    public static final double DEFAULT_DAMPING = 10.0;

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
