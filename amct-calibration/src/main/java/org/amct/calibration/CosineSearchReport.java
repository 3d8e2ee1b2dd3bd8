package org.amct.calibration;

import java.util.List;
import java.util.Objects;
import org.amct.api.CompressionTarget;

/**
 * What the search for the smallest model that keeps a mean output cosine tried and chose.
 *
 * @param targetCosine the cosine asked for
 * @param measure what the budget fraction counts (parameters or MACs of all Conv2d layers)
 * @param fraction the chosen budget fraction
 * @param achieved the fraction the chosen model keeps ({@code <= fraction})
 * @param cosine the chosen model's mean output cosine on the calibration samples ({@code >=
 *     targetCosine})
 * @param samples the calibration samples each candidate was scored on
 * @param tried every budget tried, in order
 * @param seconds the search's time
 */
public record CosineSearchReport(
        double targetCosine,
        CompressionTarget.Measure measure,
        double fraction,
        double achieved,
        double cosine,
        long samples,
        List<Trial> tried,
        double seconds) {
    /**
     * Copies the list.
     *
     * @param targetCosine the cosine asked for
     * @param measure what the fraction counts
     * @param fraction the chosen budget fraction
     * @param achieved the fraction the chosen model keeps
     * @param cosine its mean output cosine
     * @param samples the samples scored on
     * @param tried the budgets tried
     * @param seconds time taken
     */
    public CosineSearchReport {
        Objects.requireNonNull(measure, "measure");
        tried = List.copyOf(tried);
    }

    /**
     * One budget tried.
     *
     * @param fraction the budget fraction
     * @param achieved the fraction its model keeps; NaN when the budget cannot be met
     * @param cosine its mean output cosine; NaN when the budget cannot be met
     * @param meets whether the cosine reached the target
     */
    public record Trial(double fraction, double achieved, double cosine, boolean meets) {}
}
