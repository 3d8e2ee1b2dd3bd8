package org.amct.api.decompose;

/**
 * How the rank of a layer was chosen (docs/design/ALGORITHM.md section 3), kept for reports and
 * plots.
 *
 * @param rank the final rank
 * @param vbmfRank the empirical VBMF count before clamping, or -1 when the rule fell back
 * @param threshold the singular-value threshold of VBMF, or NaN when the rule fell back
 * @param clampLow the lower end of the clamp band, {@code L / (d+1)}
 * @param clampHigh the upper end of the clamp band, {@code L / d}
 * @param fellBack whether invalid numbers made the rank fall back to {@code n}
 */
public record RankChoice(
        int rank, int vbmfRank, double threshold, int clampLow, int clampHigh, boolean fellBack) {}
