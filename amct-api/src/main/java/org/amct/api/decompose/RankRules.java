package org.amct.api.decompose;

import java.util.Locale;
import java.util.Optional;
import org.amct.api.graph.Conv2d;

/**
 * The rank rules of docs/design/ALGORITHM.md section 8 on one layer's spectrum ({@code energy},
 * {@code ratio}), the reference rule with a rounding multiple, and the "not smaller" guard. The
 * reference rule is section 3 exactly with the multiple 16.
 */
public final class RankRules {
    private RankRules() {}

    /**
     * A decision at a rank chosen elsewhere (an allocation), with the guard applied.
     *
     * @param policy the spelling of what chose it
     * @param reference the reference rule's marks, kept for the report
     * @param rank the rank
     * @param conv the layer
     * @param guard whether to leave the layer unchanged when the pair is not smaller
     * @return the decision
     */
    public static RankDecision withRank(
            String policy, RankChoice reference, int rank, Conv2d conv, boolean guard) {
        RankChoice choice =
                new RankChoice(
                        rank,
                        reference.vbmfRank(),
                        reference.threshold(),
                        reference.clampLow(),
                        reference.clampHigh(),
                        reference.fellBack());
        Optional<String> reason = guard ? notSmaller(conv, rank) : Optional.empty();
        return new RankDecision(policy, choice, reason);
    }

    /**
     * The reference rule's choice.
     *
     * @param singularValues all singular values, descending
     * @param conv the layer
     * @param multiple the rank multiple
     * @return the choice
     */
    public static RankChoice reference(double[] singularValues, Conv2d conv, int multiple) {
        return RankSelector.choose(
                singularValues,
                conv.inChannels(),
                conv.outChannels(),
                conv.kernelSize().height(),
                conv.kernelSize().width(),
                multiple);
    }

    /**
     * {@code energy:F}: the smallest {@code r} with {@code sum(s[:r]^2) >= F * sum(s^2)}, rounded
     * up to the multiple, within {@code [1, n]}.
     *
     * @param s the singular values, descending
     * @param fraction {@code F}
     * @param multiple the rank multiple
     * @return the rank
     */
    public static int energyRank(double[] s, double fraction, int multiple) {
        double total = 0;
        for (double v : s) {
            total += v * v;
        }
        double wanted = fraction * total;
        int r = 0;
        double kept = 0;
        while (r < s.length && kept < wanted) {
            kept += s[r] * s[r];
            r++;
        }
        long up = ((long) r + multiple - 1) / multiple * multiple;
        int rounded = (int) Math.min(s.length, up);
        return Math.max(1, rounded);
    }

    /**
     * {@code ratio:F}: the multiple of the rank multiple whose pair ({@code r * (n + m)} weights)
     * is nearest to {@code F} times the layer's {@code n * m} weights (halves round up), at least
     * one multiple, within {@code [1, n]}.
     *
     * @param conv the layer
     * @param fraction {@code F}
     * @param multiple the rank multiple
     * @return the rank
     */
    public static int ratioRank(Conv2d conv, double fraction, int multiple) {
        Unfolding u = Unfolding.of(conv);
        double exact = fraction * u.rows() * (double) u.cols() / ((double) u.rows() + u.cols());
        long steps = Math.max(1, (long) Math.floor(exact / multiple + 0.5));
        return (int) Math.max(1, Math.min(u.rows(), steps * multiple));
    }

    /**
     * Why a pair of rank {@code r} is not applied: its weights {@code r * (n + m)} are not fewer
     * than the layer's {@code n * m}.
     *
     * @param conv the layer
     * @param rank the rank
     * @return the reason, or empty when the pair is smaller
     */
    public static Optional<String> notSmaller(Conv2d conv, int rank) {
        Unfolding u = Unfolding.of(conv);
        long pair = (long) rank * ((long) u.rows() + u.cols());
        long original = conv.weight().numel();
        if (pair < original) {
            return Optional.empty();
        }
        return Optional.of(
                String.format(
                        Locale.ROOT,
                        "not smaller: rank %d gives two convs of %,d weights, the layer has %,d",
                        rank,
                        pair,
                        original));
    }

    /**
     * The largest rank whose pair is smaller than the layer ({@code r * (n + m) < n * m}).
     *
     * @param conv the layer
     * @return the rank, 0 when even rank 1 is not smaller
     */
    public static int largestSmallerRank(Conv2d conv) {
        Unfolding u = Unfolding.of(conv);
        long original = conv.weight().numel();
        long perRank = (long) u.rows() + u.cols();
        return (int) Math.min(u.rows(), (original - 1) / perRank);
    }
}
