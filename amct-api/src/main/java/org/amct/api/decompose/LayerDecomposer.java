package org.amct.api.decompose;

import java.util.Optional;
import org.amct.api.exception.DecompositionException;
import org.amct.api.exception.ErrorCategory;
import org.amct.api.exception.Quoted;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.amct.spi.BackendException;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.MatrixSource;
import org.amct.spi.SvdResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decomposes one eligible layer on a backend: unfold in float64, one factorization, the rank rule
 * on its spectrum, the leading vectors for that rank only, then the two new convs cast back to the
 * layer's dtype.
 */
public final class LayerDecomposer {
    private static final Logger LOG = LoggerFactory.getLogger(LayerDecomposer.class);

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
                                        Optional.empty())
                                : new RankDecision(
                                        "amct",
                                        RankRules.reference(s, weights, 16),
                                        Optional.empty());
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
            RankDecision decision, Optional<DecomposedLayer> layer, double[] singularValues) {}

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
        return decompose(name, conv, backend, decider, Optional.empty(), 0.0);
    }

    /**
     * Decomposes a layer at the rank a decider gives from its weight spectrum, with data-aware
     * factors when {@code moments} is present ({@link Whitening}).
     *
     * @param name the layer's name, for messages
     * @param conv an eligible layer with a floating-point weight
     * @param backend the backend to factorize on
     * @param decider chooses the rank from the spectrum
     * @param moments the second moment of the first conv's input patches, {@code d x d} row-major
     *     with {@code d} the rows (SC modes) or columns (FC modes) of the unfolding
     * @param damping the relative damping of the second moment, used with {@code moments}
     * @return the decision and the new convs (when the decision decomposes)
     * @throws DecompositionException if the weight holds NaN or infinity, the moments do not fit
     *     the layer, or the backend fails
     */
    public static Outcome decompose(
            String name,
            Conv2d conv,
            ComputeBackend backend,
            RankDecider decider,
            Optional<double[]> moments,
            double damping) {
        try (Opened opened = open(name, conv, backend)) {
            RankDecision decision = decider.decide(name, conv, opened.singularValues());
            Optional<DecomposedLayer> layer =
                    decision.decomposes()
                            ? Optional.of(opened.finish(decision.choice(), moments, damping, true))
                            : Optional.empty();
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
        Unfolding unfolding = Unfolding.of(conv);
        UnfoldedWeight a = unfolding.source(conv.weight());
        checkFinite(name, conv, a);
        Factorization factorization;
        try {
            factorization = backend.factorize((MatrixSource) a);
        } catch (BackendException e) {
            throw failed(name, backend, unfolding, e);
        }
        try {
            double[] s = factorization.singularValues();
            checkSpectrum(name, s, unfolding, backend);
            return new Opened(name, conv, backend, unfolding, a, factorization, s, null, start);
        } catch (RuntimeException e) {
            factorization.close();
            if (e instanceof BackendException backendFailure) {
                throw failed(name, backend, unfolding, backendFailure);
            }
            throw e;
        }
    }

    /**
     * Unfolds a layer, whitens its unfolding with the Cholesky factor {@code L} of its damped
     * input-patch second moment ({@code L^T A} in SC modes, {@code A L} in FC modes; {@link
     * Whitening}) and factorizes that, keeping the factorization open: its spectrum is the whitened
     * one (what a budget allocates on, with calibration data), and {@link
     * Opened#finish(RankChoice)} truncates it and unwhitens, giving the data-aware factors of that
     * rank without a second factorization (docs/design/ALGORITHM.md section 8).
     *
     * @param name the layer's name, for messages
     * @param conv an eligible layer with a floating-point weight
     * @param backend the backend to factorize on
     * @param moments the second moment of the first conv's input patches, {@code d x d} row-major
     *     with {@code d} the rows (SC modes) or columns (FC modes) of the unfolding
     * @param damping the relative damping of the second moment, {@code > 0}
     * @return the open factorization of the whitened matrix; close it
     * @throws DecompositionException if the weight holds NaN or infinity, the moments do not fit
     *     the layer or are not a valid second moment, or the backend fails
     */
    public static Opened openWhitened(
            String name, Conv2d conv, ComputeBackend backend, double[] moments, double damping) {
        long start = System.nanoTime();
        Unfolding unfolding = Unfolding.of(conv);
        UnfoldedWeight a = unfolding.source(conv.weight());
        checkFinite(name, conv, a);
        boolean rowSide = !unfolding.mode().swapsChannels();
        int d = checkMoments(name, unfolding, moments);
        double[] l = Whitening.dampedCholesky(name, moments, d, damping);
        DenseMatrix whitened = Whitening.whiten(unfolding.matrix(conv.weight()), l, rowSide);
        Factorization factorization;
        try {
            factorization = backend.factorize(whitened);
        } catch (BackendException e) {
            throw failed(name, backend, unfolding, e);
        }
        try {
            double[] s = factorization.singularValues();
            checkSpectrum(name, s, unfolding, backend);
            return new Opened(name, conv, backend, unfolding, a, factorization, s, l, start);
        } catch (RuntimeException e) {
            factorization.close();
            if (e instanceof BackendException backendFailure) {
                throw failed(name, backend, unfolding, backendFailure);
            }
            throw e;
        }
    }

    /**
     * A layer factorized, waiting for its rank: the factorization of its unfolding {@code A}
     * ({@link #open}) or of its whitened unfolding ({@link #openWhitened}). {@link
     * #finish(RankChoice)} may be called any number of times, at any ranks: each call truncates the
     * kept factorization afresh. Not thread-safe.
     */
    public static final class Opened implements AutoCloseable {
        private final String name;
        private final Conv2d conv;
        private final ComputeBackend backend;
        private final Unfolding unfolding;
        private final UnfoldedWeight a;
        private final Factorization factorization;
        private final double[] s;

        /** The Cholesky factor the factorized matrix was whitened with, or null. */
        private final double[] whitening;

        /** Seconds spent unfolding and factorizing. */
        private final double openSeconds;

        private Opened(
                String name,
                Conv2d conv,
                ComputeBackend backend,
                Unfolding unfolding,
                UnfoldedWeight a,
                Factorization factorization,
                double[] s,
                double[] whitening,
                long start) {
            this.name = name;
            this.conv = conv;
            this.backend = backend;
            this.unfolding = unfolding;
            this.a = a;
            this.factorization = factorization;
            this.s = s;
            this.whitening = whitening;
            this.openSeconds = (System.nanoTime() - start) / 1e9;
        }

        /**
         * All singular values of the factorized matrix, descending: of the unfolding, or of the
         * whitened unfolding when {@link #whitened()}.
         *
         * @return a copy
         */
        public double[] singularValues() {
            return s.clone();
        }

        /**
         * Whether the factorized matrix is the whitened unfolding ({@link #openWhitened}).
         *
         * @return whether the spectrum and the factors are data-aware
         */
        public boolean whitened() {
            return whitening != null;
        }

        /**
         * The unfolding that is factorized.
         *
         * @return its mode and shape
         */
        public Unfolding unfolding() {
            return unfolding;
        }

        /**
         * Truncates at the chosen rank and builds the two new convs: weight-space factors, or the
         * data-aware ones when {@link #whitened()}. Repeatable, at any ranks.
         *
         * @param choice the rank and the marks of the rule
         * @return the decomposed layer
         * @throws DecompositionException if the backend fails
         */
        public DecomposedLayer finish(RankChoice choice) {
            return finish(choice, Optional.empty(), 0.0);
        }

        /**
         * Truncates at the chosen rank and builds the two new convs, data-aware when {@code
         * moments} is present.
         *
         * <p>On a {@link #whitened()} factorization the factors are already data-aware: {@code
         * moments} must then be empty.
         *
         * @param choice the rank and the marks of the rule
         * @param moments the layer's input-patch second moment, {@code d x d} row-major
         * @param damping the relative damping of the second moment
         * @return the decomposed layer
         * @throws DecompositionException if the moments do not fit the layer or the backend fails
         * @throws IllegalStateException if moments are given to a whitened factorization
         */
        public DecomposedLayer finish(
                RankChoice choice, Optional<double[]> moments, double damping) {
            return finish(choice, moments, damping, false);
        }

        /**
         * As {@link #finish(RankChoice, Optional, double)}; when {@code last}, the factorization is
         * not kept for another rank, so its state is freed as early as the backend can ({@link
         * Factorization#truncateAndClose}), before the new weights are built: the layer's peak is
         * then the larger of the two, not their sum.
         */
        private DecomposedLayer finish(
                RankChoice choice, Optional<double[]> moments, double damping, boolean last) {
            if (whitening != null && moments.isPresent()) {
                throw new IllegalStateException(
                        "Layer '" + name + "' is factorized whitened already; no moments again");
            }
            long started = System.nanoTime();
            boolean dataAware = whitening != null || moments.isPresent();
            try {
                SvdResult svd;
                if (whitening != null) {
                    svd =
                            Whitening.unwhiten(
                                    unfolding.matrix(conv.weight()),
                                    whitening,
                                    !unfolding.mode().swapsChannels(),
                                    truncate(choice.rank(), last));
                } else if (moments.isPresent()) {
                    if (last) {
                        // Only the spectrum was needed: free it before the whitened factorization.
                        factorization.close();
                    }
                    svd =
                            dataAware(
                                    name,
                                    unfolding,
                                    unfolding.matrix(conv.weight()),
                                    moments.get(),
                                    damping,
                                    choice,
                                    backend);
                } else {
                    svd = truncate(choice.rank(), last);
                }
                DType dtype = conv.weight().dtype();
                Tensor firstWeight = Factors.firstWeight(unfolding, svd, dtype);
                Tensor lastWeight = Factors.lastWeight(unfolding, svd, dtype);
                // Data-aware P is not orthonormal in SC modes: form the residual explicitly.
                double error =
                        dataAware && !unfolding.mode().swapsChannels()
                                ? Math.sqrt(
                                        residualSquares(a, svd)
                                                / Math.max(a.sumOfSquares(), Double.MIN_NORMAL))
                                : relativeError(a, svd);
                long clamped = clampedElements(svd, dtype);
                // Forming the residual costs more than the factorization itself (measured: 0.45 of
                // 0.84 s at 512x512x3x3), so it is formed only where storing changes the error:
                // for 16-bit types (rounding at 2^-11 or 2^-8, clamping). Rounding to float32
                // moves it by less than 2^-24 (1 + sqrt(r)) relative, below anything a report
                // shows.
                boolean sixteenBit = dtype == DType.FLOAT16 || dtype == DType.BFLOAT16;
                double storedError = sixteenBit ? storedError(a, svd, dtype) : error;
                if (clamped > 0) {
                    LOG.warn(
                            "Layer '{}': {} of {} elements of its two new weights are beyond the {}"
                                    + " range (+-{}) and were stored as +-{}; relative error of"
                                    + " the stored weights {} (float64: {})",
                            name,
                            clamped,
                            (long) svd.rank() * (a.rows() + a.cols()),
                            dtype,
                            dtype.maxFinite(),
                            dtype.maxFinite(),
                            storedError,
                            error);
                }
                double seconds = openSeconds + (System.nanoTime() - started) / 1e9;
                return new DecomposedLayer(
                        unfolding,
                        Factors.newConv(conv, firstWeight, false),
                        Factors.newConv(conv, lastWeight, true),
                        choice,
                        s,
                        whitening != null,
                        error,
                        storedError,
                        clamped,
                        seconds);
            } catch (BackendException e) {
                throw failed(name, backend, unfolding, e);
            }
        }

        private SvdResult truncate(int rank, boolean last) {
            return last ? factorization.truncateAndClose(rank) : factorization.truncate(rank);
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
                "Layer "
                        + Quoted.of(name)
                        + ": backend '"
                        + backend.id()
                        + "' failed on its "
                        + unfolding.rows()
                        + " x "
                        + unfolding.cols()
                        + " matrix: "
                        + e.getMessage(),
                e);
    }

    /** The data-aware factors at the chosen rank (docs/design/ALGORITHM.md section 8). */
    private static SvdResult dataAware(
            String name,
            Unfolding unfolding,
            DenseMatrix a,
            double[] moments,
            double damping,
            RankChoice choice,
            ComputeBackend backend) {
        boolean rowSide = !unfolding.mode().swapsChannels();
        int d = checkMoments(name, unfolding, moments);
        double[] l = Whitening.dampedCholesky(name, moments, d, damping);
        DenseMatrix whitened = Whitening.whiten(a, l, rowSide);
        try (Factorization factorization = backend.factorize(whitened)) {
            double[] sw = factorization.singularValues();
            checkSpectrum(name, sw, unfolding, backend);
            SvdResult svd = factorization.truncateAndClose(choice.rank());
            return Whitening.unwhiten(a, l, rowSide, svd);
        }
    }

    /** The size {@code d} of a layer's patch moments, checked against the unfolding. */
    private static int checkMoments(String name, Unfolding unfolding, double[] moments) {
        boolean rowSide = !unfolding.mode().swapsChannels();
        int d = rowSide ? unfolding.rows() : unfolding.cols();
        int size = (int) Math.round(Math.sqrt(moments.length));
        if (size != d || moments.length != d * d) {
            throw new DecompositionException(
                    "Layer '"
                            + name
                            + "': its input-patch second moment is "
                            + size
                            + " x "
                            + size
                            + ", expected "
                            + d
                            + " x "
                            + d
                            + " (input channels x the first conv's kernel taps, "
                            + unfolding.mode()
                            + " mode)");
        }
        return d;
    }

    /**
     * The bytes decomposing a layer needs at its peak: the float64 unfolding (unless the backend
     * streams it, {@link ComputeBackend#streamsMatrix()}), the backend's workspace on the heap, and
     * the two factors ({@code P}, {@code P^T A} in float64, the new weights in the layer's dtype,
     * and for 16-bit types the rounded copies the stored error is formed from) at the largest rank
     * the rule can give ({@code n/4 + 16}, or {@code n} at full rank).
     *
     * @param conv an eligible layer
     * @param backend the backend that will factorize it
     * @param fullRank whether ranks up to {@code n} may be kept (any policy but the reference rule)
     * @return the estimate in bytes
     */
    public static long peakBytes(Conv2d conv, ComputeBackend backend, boolean fullRank) {
        Unfolding unfolding = Unfolding.of(conv);
        return peakBytes(
                unfolding.rows(), unfolding.cols(), conv.weight().dtype(), backend, fullRank);
    }

    /**
     * The bytes decomposing a layer needs at its peak, from the size of its unfolding alone (before
     * any weight is allocated), as {@link #peakBytes(Conv2d, ComputeBackend, boolean)}.
     *
     * @param rows {@code n}, the rows of the unfolding
     * @param cols {@code m}, its columns
     * @param dtype the weight's dtype
     * @param backend the backend that will factorize it
     * @param fullRank whether every singular value is kept
     * @return the estimate in bytes
     */
    public static long peakBytes(
            int rows, int cols, DType dtype, ComputeBackend backend, boolean fullRank) {
        long n = rows;
        long m = cols;
        long rank = fullRank ? n : Math.min(n, n / 4 + 16);
        // P and P^T A in float64, the new weights in the layer's dtype (written straight from
        // them), and for 16-bit types the rounded float64 copies the stored error is formed from.
        long perElement = 8L + dtype.byteSize();
        if (dtype == DType.FLOAT16 || dtype == DType.BFLOAT16) {
            perElement += dtype.byteSize() + 8L;
        }
        long factors = perElement * rank * (n + m);
        // A backend that streams A reads it a block at a time (its blocks are in its workspace).
        long matrix = backend.streamsMatrix() ? 0 : 8L * n * m;
        return matrix + backend.workspaceBytes((int) n, (int) m) + factors;
    }

    /**
     * The number of elements of a layer's unfolding.
     *
     * @param conv an eligible layer
     * @return {@code n * m}
     */
    public static long matrixElements(Conv2d conv) {
        Unfolding unfolding = Unfolding.of(conv);
        return (long) unfolding.rows() * unfolding.cols();
    }

    /**
     * The rank the rule gives a layer, from its spectrum alone (no vectors are computed).
     *
     * @param name the layer's name, for messages
     * @param conv an eligible layer
     * @param backend the backend to factorize on
     * @return the rank
     * @throws DecompositionException if the weight holds NaN or infinity, or the backend fails
     */
    public static int rankOf(String name, Conv2d conv, ComputeBackend backend) {
        Unfolding unfolding = Unfolding.of(conv);
        UnfoldedWeight a = unfolding.source(conv.weight());
        checkFinite(name, conv, a);
        try (Factorization factorization = backend.factorize((MatrixSource) a)) {
            double[] s = factorization.singularValues();
            checkSpectrum(name, s, unfolding, backend);
            return RankSelector.choose(
                            s,
                            conv.inChannels(),
                            conv.outChannels(),
                            conv.kernelSize().height(),
                            conv.kernelSize().width())
                    .rank();
        } catch (BackendException e) {
            throw new DecompositionException(
                    ErrorCategory.BACKEND,
                    "Layer "
                            + Quoted.of(name)
                            + ": backend '"
                            + backend.id()
                            + "' failed: "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * NaN or infinity in the weight or the bias would be carried into the decomposed layers. The
     * weight's first bad element is known from the unfolding's one pass over it.
     */
    private static void checkFinite(String name, Conv2d conv, UnfoldedWeight a) {
        checkFinite(name, "weight", conv.weight(), a.firstNonFiniteIndex());
        if (conv.bias().isPresent()) {
            Tensor bias = conv.bias().get();
            checkFinite(name, "bias", bias, bias.firstNonFiniteIndex());
        }
    }

    private static void checkFinite(String name, String what, Tensor weight, long bad) {
        if (bad >= 0) {
            throw new DecompositionException(
                    "Layer "
                            + Quoted.of(name)
                            + ": "
                            + what
                            + " element "
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
                    "Layer "
                            + Quoted.of(name)
                            + ": backend '"
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
     * accuracy to cancellation when the error is tiny; then the residual is formed explicitly, a
     * block of columns of {@code A} at a time.
     */
    static double relativeError(UnfoldedWeight a, SvdResult svd) {
        double total = a.sumOfSquares();
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

    /**
     * How many elements of {@code P} and {@code P^T A} lie beyond {@code dtype}'s finite range: the
     * new weights hold exactly these values (permuted), so these are the elements that {@link
     * Tensor#fromDoubles} clamps.
     */
    static long clampedElements(SvdResult svd, DType dtype) {
        double max = dtype.maxFinite();
        return beyond(svd.leftVectors().backingArray(), max)
                + beyond(svd.projection().backingArray(), max);
    }

    private static long beyond(double[] values, double max) {
        long count = 0;
        for (double v : values) {
            if (Math.abs(v) > max) {
                count++;
            }
        }
        return count;
    }

    /**
     * {@code ||A - P_s C_s|| / ||A||} for the factors as the new weights store them: {@code P} and
     * {@code C = P^T A} rounded (and clamped) to {@code dtype} exactly as {@link
     * Tensor#fromDoubles} does, the residual formed explicitly (the rounded {@code P} is not
     * orthonormal, so the shortcut of {@link #relativeError} does not hold).
     */
    static double storedError(UnfoldedWeight a, SvdResult svd, DType dtype) {
        double total = a.sumOfSquares();
        if (total == 0) {
            return 0.0;
        }
        SvdResult stored =
                new SvdResult(
                        asStored(svd.leftVectors(), dtype), asStored(svd.projection(), dtype));
        return Math.sqrt(residualSquares(a, stored) / total);
    }

    private static DenseMatrix asStored(DenseMatrix m, DType dtype) {
        double[] values =
                Tensor.fromDoubles(dtype, new int[] {m.rows(), m.cols()}, m.backingArray())
                        .toDoubles();
        return DenseMatrix.wrap(m.rows(), m.cols(), values);
    }

    /** The columns of {@code A} read at once when the residual is formed. */
    private static final int RESIDUAL_BLOCK = 256;

    /** {@code ||A - P C||^2}, one block of columns of {@code A} at a time. */
    private static double residualSquares(MatrixSource a, SvdResult svd) {
        double[] p = svd.leftVectors().backingArray();
        double[] c = svd.projection().backingArray();
        int n = a.rows();
        int m = a.cols();
        int r = svd.rank();
        int width = Math.min(m, RESIDUAL_BLOCK);
        double[] block = new double[n * width];
        double sum = 0;
        for (int first = 0; first < m; first += width) {
            int count = Math.min(width, m - first);
            a.readColumns(first, count, block);
            for (int i = 0; i < n; i++) {
                int row = i * count;
                for (int k = 0; k < r; k++) {
                    double weight = p[i * r + k];
                    int offset = k * m + first;
                    for (int j = 0; j < count; j++) {
                        block[row + j] -= weight * c[offset + j];
                    }
                }
                for (int j = 0; j < count; j++) {
                    sum += block[row + j] * block[row + j];
                }
            }
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
