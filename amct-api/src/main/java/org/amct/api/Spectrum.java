package org.amct.api;

/**
 * The singular values of a layer's unfolding and the marks of the rank rule, for reports and plots.
 *
 * @param singularValues all singular values, descending
 * @param threshold the VBMF threshold, NaN when the rule fell back to full rank
 * @param vbmfRank how many singular values exceed the threshold, -1 when the rule fell back
 * @param clampLow the lower end of the clamp band
 * @param clampHigh the upper end of the clamp band
 */
public record Spectrum(
        double[] singularValues, double threshold, int vbmfRank, int clampLow, int clampHigh) {
    /**
     * Copies the values.
     *
     * @param singularValues all singular values, descending
     * @param threshold the VBMF threshold, NaN when the rule fell back to full rank
     * @param vbmfRank how many singular values exceed the threshold, -1 when the rule fell back
     * @param clampLow the lower end of the clamp band
     * @param clampHigh the upper end of the clamp band
     */
    public Spectrum {
        singularValues = singularValues.clone();
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
