package org.amct.api.decompose;

import org.amct.api.exception.DecompositionException;
import org.amct.api.exception.ErrorCategory;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.amct.spi.BackendException;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;

/**
 * Decomposes one eligible layer on a backend: unfold in float64, one factorization, the rank rule
 * on its spectrum, the leading vectors for that rank only, then the two new convs cast back to the
 * layer's dtype.
 */
public final class LayerDecomposer {
    private LayerDecomposer() {}

    /**
     * Decomposes a layer.
     *
     * @param name the layer's name, for messages
     * @param conv an eligible layer with a floating-point weight
     * @param backend the backend to factorize on
     * @param fullRank keep every singular value (rank {@code n}) instead of the rank rule
     * @return the new convs and the numbers behind them
     * @throws DecompositionException if the weight holds NaN or infinity, or the backend fails
     */
    public static DecomposedLayer decompose(
            String name, Conv2d conv, ComputeBackend backend, boolean fullRank) {
        RankDecider decider =
                (layer, weights, s) ->
                        fullRank
                                ? new RankDecision(
                                        "full",
                                        new RankChoice(
                                                s.length, s.length, 0.0, s.length, s.length, false),
                                        java.util.Optional.empty())
                                : new RankDecision(
                                        "amct",
                                        RankRules.reference(s, weights, 16),
                                        java.util.Optional.empty());
        return decompose(name, conv, backend, decider).layer().orElseThrow();
    }

    /** Decides a layer's rank from its spectrum. */
    @FunctionalInterface
    public interface RankDecider {
        /**
         * Decides.
         *
         * @param name the layer
         * @param conv the layer's conv
         * @param singularValues all its singular values, descending
         * @return the decision
         */
        RankDecision decide(String name, Conv2d conv, double[] singularValues);
    }

    /**
     * A layer's decision and, when it is decomposed, the new convs.
     *
     * @param decision the rank and policy, or why the layer stays
     * @param layer the decomposition, absent when the layer stays unchanged
     * @param singularValues the spectrum
     */
    public record Outcome(
            RankDecision decision,
            java.util.Optional<DecomposedLayer> layer,
            double[] singularValues) {}

    /**
     * Decomposes a layer at the rank a decider gives from its spectrum: one factorization.
     *
     * @param name the layer's name, for messages
     * @param conv an eligible layer with a floating-point weight
     * @param backend the backend to factorize on
     * @param decider chooses the rank from the spectrum
     * @return the decision and the new convs (when the decision decomposes)
     * @throws DecompositionException if the weight holds NaN or infinity, or the backend fails
     */
    public static Outcome decompose(
            String name, Conv2d conv, ComputeBackend backend, RankDecider decider) {
        try (Opened opened = open(name, conv, backend)) {
            RankDecision decision = decider.decide(name, conv, opened.singularValues());
            java.util.Optional<DecomposedLayer> layer =
                    decision.decomposes()
                            ? java.util.Optional.of(opened.finish(decision.choice()))
                            : java.util.Optional.empty();
            return new Outcome(decision, layer, opened.singularValues());
        }
    }

    /**
     * Unfolds and factorizes a layer, keeping the factorization open so that the rank can be
     * decided later (for a budget, once every layer's spectrum is known).
     *
     * @param name the layer's name, for messages
     * @param conv an eligible layer with a floating-point weight
     * @param backend the backend to factorize on
     * @return the open factorization; close it
     * @throws DecompositionException if the weight holds NaN or infinity, or the backend fails
     */
    public static Opened open(String name, Conv2d conv, ComputeBackend backend) {
        long start = System.nanoTime();
        checkFinite(name, conv.weight());
        Unfolding unfolding = Unfolding.of(conv);
        DenseMatrix a = unfolding.matrix(conv.weight());
        Factorization factorization;
        try {
            factorization = backend.factorize(a);
        } catch (BackendException e) {
            throw failed(name, backend, unfolding, e);
        }
        try {
            double[] s = factorization.singularValues();
            checkSpectrum(name, s, unfolding, backend);
            return new Opened(name, conv, backend, unfolding, a, factorization, s, start);
        } catch (RuntimeException e) {
            factorization.close();
            if (e instanceof BackendException backendFailure) {
                throw failed(name, backend, unfolding, backendFailure);
            }
            throw e;
        }
    }

    /** A layer factorized, waiting for its rank. Not thread-safe. */
    public static final class Opened implements AutoCloseable {
        private final String name;
        private final Conv2d conv;
        private final ComputeBackend backend;
        private final Unfolding unfolding;
        private final DenseMatrix a;
        private final Factorization factorization;
        private final double[] s;
        private final long start;

        private Opened(
                String name,
                Conv2d conv,
                ComputeBackend backend,
                Unfolding unfolding,
                DenseMatrix a,
                Factorization factorization,
                double[] s,
                long start) {
            this.name = name;
            this.conv = conv;
            this.backend = backend;
            this.unfolding = unfolding;
            this.a = a;
            this.factorization = factorization;
            this.s = s;
            this.start = start;
        }

        /**
         * All singular values, descending.
         *
         * @return a copy
         */
        public double[] singularValues() {
            return s.clone();
        }

        /**
         * Truncates at the chosen rank and builds the two new convs.
         *
         * @param choice the rank and the marks of the rule
         * @return the decomposed layer
         * @throws DecompositionException if the backend fails
         */
        public DecomposedLayer finish(RankChoice choice) {
            try {
                SvdResult svd = factorization.truncate(choice.rank());
                DType dtype = conv.weight().dtype();
                Tensor firstWeight = Factors.firstWeight(unfolding, svd, dtype);
                Tensor lastWeight = Factors.lastWeight(unfolding, svd, dtype);
                double error = relativeError(a, svd);
                double seconds = (System.nanoTime() - start) / 1e9;
                return new DecomposedLayer(
                        unfolding,
                        Factors.newConv(conv, firstWeight, false),
                        Factors.newConv(conv, lastWeight, true),
                        choice,
                        s,
                        error,
                        seconds);
            } catch (BackendException e) {
                throw failed(name, backend, unfolding, e);
            }
        }

        @Override
        public void close() {
            factorization.close();
        }
    }

    private static DecompositionException failed(
            String name, ComputeBackend backend, Unfolding unfolding, BackendException e) {
        return new DecompositionException(
                ErrorCategory.BACKEND,
                "Layer '"
                        + name
                        + "': backend '"
                        + backend.id()
                        + "' failed on its "
                        + unfolding.rows()
                        + " x "
                        + unfolding.cols()
                        + " matrix: "
                        + e.getMessage(),
                e);
    }

    /**
     * The bytes decomposing a layer needs at its peak: the float64 unfolding, the backend's
     * workspace on the heap, and the two factors ({@code P}, {@code P^T A} and their float64 copies
     * as weights) at the largest rank the rule can give ({@code n/4 + 16}, or {@code n} at full
     * rank).
     *
     * @param conv an eligible layer
     * @param backend the backend that will factorize it
     * @param fullRank whether ranks up to {@code n} may be kept (any policy but the reference rule)
     * @return the estimate in bytes
     */
    public static long peakBytes(Conv2d conv, ComputeBackend backend, boolean fullRank) {
        Unfolding unfolding = Unfolding.of(conv);
        long n = unfolding.rows();
        long m = unfolding.cols();
        long rank = fullRank ? n : Math.min(n, n / 4 + 16);
        long factors = 2 * 8L * rank * (n + m);
        return 8L * n * m + backend.workspaceBytes((int) n, (int) m) + factors;
    }

    /**
     * The rank the reference rule gives a layer, from its spectrum alone (no vectors are computed).
     *
     * @param name the layer's name, for messages
     * @param conv an eligible layer
     * @param backend the backend to factorize on
     * @return the rank
     * @throws DecompositionException if the weight holds NaN or infinity, or the backend fails
     */
    public static int rankOf(String name, Conv2d conv, ComputeBackend backend) {
        try (Opened opened = open(name, conv, backend)) {
            return RankRules.reference(opened.singularValues(), conv, 16).rank();
        }
    }

    private static void checkFinite(String name, Tensor weight) {
        long bad = weight.firstNonFiniteIndex();
        if (bad >= 0) {
            throw new DecompositionException(
                    "Layer '"
                            + name
                            + "': weight element "
                            + bad
                            + " (flat index into shape "
                            + java.util.Arrays.toString(weight.shape())
                            + ") is "
                            + weight.getDouble(bad)
                            + ". Fix or retrain the weights before decomposing.");
        }
    }

    private static void checkSpectrum(
            String name, double[] s, Unfolding unfolding, ComputeBackend backend) {
        boolean valid = s.length == unfolding.rows();
        for (int i = 0; valid && i < s.length; i++) {
            valid = Double.isFinite(s[i]) && s[i] >= 0 && (i == 0 || s[i] <= s[i - 1]);
        }
        if (!valid) {
            throw new DecompositionException(
                    ErrorCategory.BACKEND,
                    "Layer '"
                            + name
                            + "': backend '"
                            + backend.id()
                            + "' returned an invalid spectrum (expected "
                            + unfolding.rows()
                            + " finite, non-negative, descending values). This is a backend bug.",
                    null);
        }
    }

    /**
     * {@code ||A - P P^T A|| / ||A||}; 0 for an all-zero matrix. Since {@code P} has orthonormal
     * columns this is {@code sqrt(||A||^2 - ||P^T A||^2) / ||A||}, which is cheap but loses
     * accuracy to cancellation when the error is tiny; then the residual is formed explicitly.
     */
    static double relativeError(DenseMatrix a, SvdResult svd) {
        double total = sumOfSquares(a.backingArray());
        if (total == 0) {
            return 0.0;
        }
        double kept = sumOfSquares(svd.projection().backingArray());
        double ratio = Math.max(0.0, total - kept) / total;
        if (ratio > CANCELLATION_LIMIT) {
            return Math.sqrt(ratio);
        }
        return Math.sqrt(residualSquares(a, svd) / total);
    }

    private static final double CANCELLATION_LIMIT = 1e-6;

    /** {@code ||A - P C||^2}, one row of the product at a time. */
    private static double residualSquares(DenseMatrix a, SvdResult svd) {
        double[] p = svd.leftVectors().backingArray();
        double[] c = svd.projection().backingArray();
        double[] values = a.backingArray();
        int m = a.cols();
        int r = svd.rank();
        double[] row = new double[m];
        double sum = 0;
        for (int i = 0; i < a.rows(); i++) {
            System.arraycopy(values, i * m, row, 0, m);
            for (int k = 0; k < r; k++) {
                double weight = p[i * r + k];
                int offset = k * m;
                for (int j = 0; j < m; j++) {
                    row[j] -= weight * c[offset + j];
                }
            }
            sum += sumOfSquares(row);
        }
        return sum;
    }

    private static double sumOfSquares(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v * v;
        }
        return sum;
    }
}
