package org.amct.api.decompose;

/**
 * The rank rule of docs/design/ALGORITHM.md section 3: empirical VBMF with Brent's bounded search
 * for the noise variance, then the clamp to {@code [L/(d+1), L/d]} and rounding to a multiple of
 * 16.
 */
public final class RankSelector {
    private static final double TAU_FACTOR = 2.5129;
    private static final double X_TOLERANCE = 1e-5;
    private static final int MAX_EVALUATIONS = 500;

    private RankSelector() {}

    /**
     * Chooses the rank of a layer from all singular values of its unfolding.
     *
     * @param singularValues all {@code n} singular values, descending
     * @param inChannels the layer's input channels
     * @param outChannels the layer's output channels
     * @param kernelH the kernel height
     * @param kernelW the kernel width
     * @return the rank and how it was found
     */
    public static RankChoice choose(
            double[] singularValues, int inChannels, int outChannels, int kernelH, int kernelW) {
        return choose(singularValues, inChannels, outChannels, kernelH, kernelW, 16);
    }

    /**
     * Chooses the rank as {@link #choose(double[], int, int, int, int)} does, rounding to another
     * multiple than 16: {@code rM = max(M, ((r + M/2) / M) * M)}, plus {@code M} if {@code rM < 0.9
     * r}, at most {@code n}. With {@code M = 16} this is the reference rule exactly.
     *
     * @param singularValues all {@code n} singular values, descending
     * @param inChannels the layer's input channels
     * @param outChannels the layer's output channels
     * @param kernelH the kernel height
     * @param kernelW the kernel width
     * @param multiple the rounding multiple {@code M >= 1}
     * @return the rank and how it was found
     */
    public static RankChoice choose(
            double[] singularValues,
            int inChannels,
            int outChannels,
            int kernelH,
            int kernelW,
            int multiple) {
        int n = singularValues.length;
        int bigM = Math.max(inChannels, outChannels) * Math.max(kernelH, kernelW);
        int d = Math.min(inChannels, outChannels) >= 256 ? 4 : 6;
        int clampLow = n / (d + 1);
        int clampHigh = n / d;
        double threshold = vbmfThreshold(singularValues, n, bigM);
        if (!Double.isFinite(threshold)) {
            return new RankChoice(n, -1, Double.NaN, clampLow, clampHigh, true);
        }
        int vbmfRank = 0;
        for (double s : singularValues) {
            if (s > threshold) {
                vbmfRank++;
            }
        }
        int clamped = Math.max(Math.min(vbmfRank, clampHigh), clampLow);
        return new RankChoice(
                Math.min(roundTo(clamped, multiple), n),
                vbmfRank,
                threshold,
                clampLow,
                clampHigh,
                false);
    }

    /**
     * Step 3 of the rule: the clamped rank rounded to the nearest multiple of 16, at least 16, plus
     * 16 when rounding lost more than 10 %. The caller caps it at {@code n}.
     *
     * @param clamped the rank after the clamp
     * @return the rounded rank
     */
    public static int roundTo16(int clamped) {
        return roundTo(clamped, 16);
    }

    /**
     * Step 3 with another multiple {@code M}: {@code max(M, ((r + M/2) / M) * M)}, plus {@code M}
     * when rounding lost more than 10 %. The caller caps it at {@code n}.
     *
     * @param clamped the rank after the clamp
     * @param multiple the multiple {@code M >= 1}
     * @return the rounded rank
     */
    public static int roundTo(int clamped, int multiple) {
        int rounded = Math.max(multiple, ((clamped + multiple / 2) / multiple) * multiple);
        if (rounded < 0.9 * clamped) {
            rounded += multiple;
        }
        return rounded;
    }

    /** The VBMF threshold on singular values, or NaN when a step meets invalid numbers. */
    static double vbmfThreshold(double[] s, int bigL, int bigM) {
        double alpha = (double) bigL / bigM;
        double tau = TAU_FACTOR * Math.sqrt(alpha);
        double xubar = (1 + tau) * (1 + alpha / tau);
        int eHub = (int) Math.min(Math.ceil(bigL / (1 + alpha)) - 1, bigL) - 1;
        if (eHub < 0 || eHub + 1 >= bigL) {
            return Double.NaN;
        }
        double sumSquares = 0;
        for (double v : s) {
            sumSquares += v * v;
        }
        double upper = sumSquares / ((double) bigL * bigM);
        double tailMean = 0;
        for (int i = eHub; i < bigL; i++) {
            tailMean += s[i] * s[i];
        }
        tailMean /= bigL - eHub;
        double lower = Math.max(s[eHub + 1] * s[eHub + 1] / (bigM * xubar), tailMean / bigM);
        double sigma2;
        if (lower <= upper) {
            sigma2 =
                    BoundedBrent.minimize(
                            v -> objective(v, s, alpha, bigM, xubar),
                            lower,
                            upper,
                            X_TOLERANCE,
                            MAX_EVALUATIONS);
        } else {
            sigma2 = (lower + upper) / 2;
        }
        return Math.sqrt(bigM * sigma2 * (1 + tau) * (1 + alpha / tau));
    }

    /** The EVBMF free energy as a function of the noise variance. */
    static double objective(double sigma2, double[] s, double alpha, int bigM, double xubar) {
        double total = 0;
        for (double v : s) {
            double x = v * v / (bigM * sigma2);
            if (x > xubar) {
                double t = tau(x, alpha);
                total += x - t + Math.log((t + 1) / x) + alpha * Math.log(t / alpha + 1);
            } else if (x <= xubar) {
                total += x - Math.log(x);
            }
        }
        return total;
    }

    private static double tau(double x, double alpha) {
        double shifted = x - (1 + alpha);
        return 0.5 * (shifted + Math.sqrt(shifted * shifted - 4 * alpha));
    }
}
