package org.amct.api;

/**
 * The spectrum a layer's rank was chosen on, and the marks of the rank rule on it, for reports and
 * plots: the singular values of the layer's unfolding {@code A}, or, when a budget allocated the
 * rank with calibration data, of its whitened unfolding ({@code L^T A} or {@code A L},
 * docs/design/ALGORITHM.md section 8).
 *
 * @param singularValues all singular values, descending
 * @param threshold the VBMF threshold, NaN when the rule fell back to full rank
 * @param vbmfRank how many singular values exceed the threshold, -1 when the rule fell back
 * @param clampLow the lower end of the clamp band
 * @param clampHigh the upper end of the clamp band
 * @param whitened whether these are the whitened unfolding's singular values
 */
public record Spectrum(
        double[] singularValues,
        double threshold,
        int vbmfRank,
        int clampLow,
        int clampHigh,
        boolean whitened) {
    /**
     * Copies the values.
     *
     * @param singularValues all singular values, descending
     * @param threshold the VBMF threshold, NaN when the rule fell back to full rank
     * @param vbmfRank how many singular values exceed the threshold, -1 when the rule fell back
     * @param clampLow the lower end of the clamp band
     * @param clampHigh the upper end of the clamp band
     * @param whitened whether these are the whitened unfolding's singular values
     */
    public Spectrum {
        singularValues = singularValues.clone();
    }

    /**
     * The spectrum of the unfolding itself (not whitened).
     *
     * @param singularValues all singular values, descending
     * @param threshold the VBMF threshold, NaN when the rule fell back to full rank
     * @param vbmfRank how many singular values exceed the threshold, -1 when the rule fell back
     * @param clampLow the lower end of the clamp band
     * @param clampHigh the upper end of the clamp band
     */
    public Spectrum(
            double[] singularValues, double threshold, int vbmfRank, int clampLow, int clampHigh) {
        this(singularValues, threshold, vbmfRank, clampLow, clampHigh, false);
    }

    /**
     * All singular values, descending.
     *
     * @return a copy; the caller owns it
     */
    @Override
    public double[] singularValues() {
        return singularValues.clone();
    }
}
