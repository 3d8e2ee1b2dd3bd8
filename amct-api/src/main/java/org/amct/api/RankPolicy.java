package org.amct.api;

import java.util.Locale;
import java.util.Objects;

/**
 * How the rank of a decomposed layer is chosen (docs/design/ALGORITHM.md sections 3 and 8). Spelled
 * on the command line and in rank files as {@code amct}, {@code full}, {@code rank:N}, {@code
 * energy:F} and {@code ratio:F}; {@link #parse} reads that spelling and {@code toString()} writes
 * it.
 *
 * <p>Every rank is clamped to {@code [1, n]} ({@code n} the number of singular values). Under every
 * policy except {@link #AUTO}, a layer whose two new convs would not hold fewer weights than it
 * does is left unchanged, with that reason; {@link #AUTO} is the reference rule exactly.
 */
public sealed interface RankPolicy
        permits RankPolicy.Amct,
                RankPolicy.Full,
                RankPolicy.Fixed,
                RankPolicy.Energy,
                RankPolicy.Ratio {
    /** The reference rule, {@code amct}: EVBMF, clamped, rounded to the rank multiple. */
    RankPolicy AUTO = new Amct();

    /**
     * {@code full}: keep every singular value (rank {@code n}); the decomposed model computes what
     * the original does, up to rounding. For checking a pipeline, not for compression.
     */
    RankPolicy FULL = new Full();

    /**
     * {@code rank:N}.
     *
     * @param rank {@code >= 1}; clamped to {@code n} per layer
     * @return the policy
     */
    static RankPolicy rank(int rank) {
        return new Fixed(rank);
    }

    /**
     * {@code energy:F}: the smallest rank keeping the fraction {@code F} of the squared Frobenius
     * norm, rounded up to the rank multiple.
     *
     * @param fraction in {@code (0, 1]}
     * @return the policy
     */
    static RankPolicy energy(double fraction) {
        return new Energy(fraction);
    }

    /**
     * {@code ratio:F}: the rank whose two new convs hold about the fraction {@code F} of the
     * layer's weights (nearest multiple of the rank multiple).
     *
     * @param fraction in {@code (0, 1]}
     * @return the policy
     */
    static RankPolicy ratio(double fraction) {
        return new Ratio(fraction);
    }

    /**
     * Reads a policy's spelling: {@code amct}, {@code full}, {@code rank:N}, {@code energy:F},
     * {@code ratio:F}, or a bare positive integer {@code N} (same as {@code rank:N}).
     *
     * @param text the spelling
     * @return the policy
     * @throws IllegalArgumentException naming the text and what is expected, if it is not one
     */
    static RankPolicy parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("amct")) {
            return AUTO;
        }
        if (t.equals("full")) {
            return FULL;
        }
        if (t.matches("\\d+")) {
            return rank(parseRank(text, t));
        }
        int colon = t.indexOf(':');
        String kind = colon < 0 ? t : t.substring(0, colon);
        String value = colon < 0 ? "" : t.substring(colon + 1).trim();
        switch (kind) {
            case "rank":
                return rank(parseRank(text, value));
            case "energy":
                return energy(parseFraction(text, value));
            case "ratio":
                return ratio(parseFraction(text, value));
            default:
                throw new IllegalArgumentException(
                        "Rank policy '"
                                + text
                                + "' is not one of amct, full, rank:N, energy:F, ratio:F"
                                + " (N a positive integer, F in (0, 1])");
        }
    }

    private static int parseRank(String text, String value) {
        try {
            int rank = Integer.parseInt(value);
            if (rank >= 1) {
                return rank;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException(
                "Rank policy '"
                        + text
                        + "': the rank must be a positive integer, got '"
                        + value
                        + "'");
    }

    private static double parseFraction(String text, String value) {
        try {
            double f = Double.parseDouble(value);
            if (f > 0 && f <= 1) {
                return f;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException(
                "Rank policy '"
                        + text
                        + "': the fraction must be a number in (0, 1], got '"
                        + value
                        + "'");
    }

    /** The reference rule. Use {@link RankPolicy#AUTO}. */
    record Amct() implements RankPolicy {
        @Override
        public String toString() {
            return "amct";
        }
    }

    /** Every singular value. Use {@link RankPolicy#FULL}. */
    record Full() implements RankPolicy {
        @Override
        public String toString() {
            return "full";
        }
    }

    /**
     * A fixed rank.
     *
     * @param rank {@code >= 1}
     */
    record Fixed(int rank) implements RankPolicy {
        /**
         * Checks the rank.
         *
         * @param rank {@code >= 1}
         * @throws IllegalArgumentException if it is not positive
         */
        public Fixed {
            if (rank < 1) {
                throw new IllegalArgumentException("rank must be >= 1, got " + rank);
            }
        }

        @Override
        public String toString() {
            return "rank:" + rank;
        }
    }

    /**
     * A kept fraction of the squared Frobenius norm.
     *
     * @param fraction in {@code (0, 1]}
     */
    record Energy(double fraction) implements RankPolicy {
        /**
         * Checks the fraction.
         *
         * @param fraction in {@code (0, 1]}
         * @throws IllegalArgumentException if it is not
         */
        public Energy {
            checkFraction("energy", fraction);
        }

        @Override
        public String toString() {
            return "energy:" + fraction;
        }
    }

    /**
     * A kept fraction of the layer's weights.
     *
     * @param fraction in {@code (0, 1]}
     */
    record Ratio(double fraction) implements RankPolicy {
        /**
         * Checks the fraction.
         *
         * @param fraction in {@code (0, 1]}
         * @throws IllegalArgumentException if it is not
         */
        public Ratio {
            checkFraction("ratio", fraction);
        }

        @Override
        public String toString() {
            return "ratio:" + fraction;
        }
    }

    private static void checkFraction(String kind, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException(
                    kind + " fraction must be in (0, 1], got " + fraction);
        }
    }
}
