package org.amct.api.report;

import org.amct.api.decompose.RankSelector;

/**
 * Why a layer got its rank, in words, from the marks of the rank rule its report carries: the VBMF
 * count, the clamp band, the rounding to a multiple of 16, the cap at {@code n}, the full-rank
 * policy or the fallback on invalid numbers. When the rank differs from what these steps give, the
 * rank was set after the rule (by a policy or a budget) and the text says so. Pure functions.
 */
final class RankExplanation {
    private RankExplanation() {}

    /** How the rank came about, one of a few kinds, for the table's short column. */
    enum Kind {
        /** VBMF met invalid numbers: full rank. */
        FALLBACK,
        /** Every singular value kept on purpose. */
        FULL_RANK,
        /** The VBMF count was below the band: raised to its lower end. */
        BAND_LOW,
        /** The VBMF count was above the band: lowered to its upper end. */
        BAND_HIGH,
        /** The VBMF count was inside the band. */
        VBMF,
        /** Set after the rule. */
        OTHER
    }

    static Kind kind(RunSummary.Layer layer) {
        RunSummary.Marks spectrum = layer.spectrum();
        int n = spectrum.singularValues().length;
        if (spectrum.vbmfRank() < 0 || Double.isNaN(spectrum.threshold())) {
            return layer.rank() == n ? Kind.FALLBACK : Kind.OTHER;
        }
        if (isFullRankPolicy(spectrum, n)) {
            return layer.rank() == n ? Kind.FULL_RANK : Kind.OTHER;
        }
        if (ruleRank(spectrum, n) != layer.rank()) {
            return Kind.OTHER;
        }
        if (spectrum.vbmfRank() < spectrum.clampLow()) {
            return Kind.BAND_LOW;
        }
        if (spectrum.vbmfRank() > spectrum.clampHigh()) {
            return Kind.BAND_HIGH;
        }
        return Kind.VBMF;
    }

    /**
     * A few words for the table.
     *
     * @param layer the layer's report
     * @return for example {@code "band low (VBMF 0)"}
     */
    static String brief(RunSummary.Layer layer) {
        int vbmf = layer.spectrum().vbmfRank();
        return switch (kind(layer)) {
            case FALLBACK -> "fallback: full rank";
            case FULL_RANK -> "full rank (policy)";
            case BAND_LOW -> "band low (VBMF " + vbmf + ")";
            case BAND_HIGH -> "band high (VBMF " + vbmf + ")";
            case VBMF -> "VBMF " + vbmf;
            case OTHER -> "set after the rule";
        };
    }

    /**
     * The whole reason, one sentence or two.
     *
     * @param layer the layer's report
     * @return plain text, not escaped
     */
    static String full(RunSummary.Layer layer) {
        RunSummary.Marks spectrum = layer.spectrum();
        int n = spectrum.singularValues().length;
        int rank = layer.rank();
        if (spectrum.vbmfRank() < 0 || Double.isNaN(spectrum.threshold())) {
            String text =
                    "VBMF met invalid numbers (a degenerate spectrum), so the rule falls back to"
                            + " the full rank "
                            + n
                            + ".";
            return rank == n ? text : text + afterTheRule(n, rank);
        }
        if (isFullRankPolicy(spectrum, n)) {
            String text = "Full-rank policy: all " + n + " singular values are kept.";
            return rank == n ? text : text + afterTheRule(n, rank);
        }
        int vbmf = spectrum.vbmfRank();
        int low = spectrum.clampLow();
        int high = spectrum.clampHigh();
        StringBuilder text = new StringBuilder();
        if (vbmf == 0) {
            text.append("VBMF keeps none of the ")
                    .append(n)
                    .append(" singular values (the spectrum looks like noise)");
        } else {
            text.append("VBMF keeps ").append(vbmf).append(" of ").append(n);
        }
        String band = "the clamp band [" + low + ", " + high + "]";
        int clamped = Math.max(Math.min(vbmf, high), low);
        if (vbmf < low) {
            text.append(", below ").append(band).append(", so raised to ").append(low);
        } else if (vbmf > high) {
            text.append(", above ").append(band).append(", so lowered to ").append(high);
        } else {
            text.append(", inside ").append(band);
        }
        int rounded = RankSelector.roundTo16(clamped);
        if (rounded != clamped) {
            int nearest = Math.max(16, ((clamped + 8) / 16) * 16);
            text.append("; rounded to a multiple of 16: ").append(rounded);
            if (nearest != rounded) {
                text.append(" (").append(nearest).append(" would lose over 10%, so 16 more)");
            }
        }
        int rule = Math.min(rounded, n);
        if (rule != rounded) {
            text.append("; capped at the full rank ").append(n);
        }
        text.append(" \u2192 rank ").append(rule).append('.');
        if (rule != rank) {
            text.append(afterTheRule(rule, rank));
        }
        return text.toString();
    }

    private static String afterTheRule(int rule, int rank) {
        return " The rule gives "
                + rule
                + "; rank "
                + rank
                + " was set after it (policy or budget).";
    }

    private static boolean isFullRankPolicy(RunSummary.Marks spectrum, int n) {
        return spectrum.threshold() == 0
                && spectrum.vbmfRank() == n
                && spectrum.clampLow() == n
                && spectrum.clampHigh() == n;
    }

    private static int ruleRank(RunSummary.Marks spectrum, int n) {
        int clamped =
                Math.max(Math.min(spectrum.vbmfRank(), spectrum.clampHigh()), spectrum.clampLow());
        return Math.min(RankSelector.roundTo16(clamped), n);
    }
}
