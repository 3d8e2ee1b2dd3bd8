package org.amct.backend.openblas;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasLower;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas.cblas_dscal;
import static org.bytedeco.openblas.global.openblas.cblas_dsyrk;

import java.nio.DoubleBuffer;
import java.util.Objects;
import org.amct.spi.BackendChecks;
import org.amct.spi.BackendException;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.MatrixSource;
import org.amct.spi.SvdResult;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The factorization of an {@code n x m} matrix {@code A} ({@code n <= m}) through its Gram matrix,
 * computing only what the decomposition needs.
 *
 * <p>Method. {@code A} is scaled by {@code 2^-e}, {@code e} being the binary exponent of its
 * largest absolute element, when {@code |e| > }{@value #SAFE_EXPONENT} (exact, and safe for
 * elements near {@code 1e-300} or {@code 1e+300}; nearer 1 the Gram matrix cannot overflow and the
 * scaling would change no rounding, so it is skipped), and streamed to native memory a block of
 * columns at a time. {@code factorize}: {@code G = A A^T} by {@code dsyrk} ({@code n^2 m} flops),
 * one reduction {@code G = Q T Q^T} to a symmetric tridiagonal {@code T} by {@code dsytrd} ({@code
 * 4/3 n^3}), and all eigenvalues of {@code T} by {@code dsterf} ({@code O(n^2)}); the singular
 * values are {@code 2^e sqrt(max(lambda, 0))}, descending. {@code T} and the Householder reflectors
 * of {@code Q} are kept. {@code truncate(r)}: the top {@code r} eigenvectors of {@code T} by
 * inverse iteration from the known eigenvalues ({@code dstein}, {@code O(n r)}; MRRR by {@code
 * dstemr} when the wanted eigenvalues are clustered, see {@link OpenBlasTridiagonal}), {@code P = Q
 * Z} by the reflectors of {@code dsytrd} applied in groups of 128 ({@code dlarft} + {@code dlarfb},
 * {@code 2 n^2 r}; what {@code dormtr} computes, 1.5-2x faster), and {@code P^T A} by {@code dgemm}
 * ({@code 2 n m r}), scaled back by {@code 2^e}.
 *
 * <p>Memory, in doubles beyond the input {@code A} (which is only read, never copied whole), with
 * {@code b = min(m, max(64, 2^22 / n))} the columns of a streamed block:
 *
 * <ul>
 *   <li>{@code factorize}: peak {@code n^2} ({@code G}) {@code + n b} (a block, written into native
 *       memory by the source directly) {@code + 5n} ({@code d, e, tau} and the copies {@code
 *       dsterf} overwrites) {@code + 32n} ({@code dsytrd}'s workspace);
 *   <li>kept until {@link #close()}: {@code n^2 + 4n} ({@code G} holding the reflectors, {@code d,
 *       e, tau}, the singular values);
 *   <li>{@code truncate(r)}: peak {@code n^2 + 4n} (kept) {@code + n r} (eigenvectors {@code Z},
 *       then {@code P}) {@code + n r + r m} (the returned {@code P} and {@code P^T A} on the Java
 *       heap) {@code + b (n + r)} (a block and its product) {@code + 33n + 128 r + 128^2} ({@code
 *       dstein}'s or {@code dstemr}'s workspace, the copies of {@code d, e}, and the grouped
 *       reflectors' {@code T} and workspace);
 *   <li>{@link #truncateAndClose(int)}: the kept {@code n^2 + 4n} are freed once {@code P} is
 *       formed, so its peak is the larger of {@code n^2 + n r + O(n)} (forming {@code P}) and
 *       {@code 2 n r + r m + b (n + r)} (the product and the heap copies).
 * </ul>
 *
 * So the peak is {@code n^2 + 2 n r + r m + b (n + r) + O(n)}: for the ranks the decomposition
 * picks ({@code r <= n/4}, {@code n <= m}) at most {@code 1.75 n m} plus the 32 MiB block, and
 * {@code 4 n m} in the extreme {@code r = n = m}. Native buffers are freed by {@link #close()} and
 * at the end of each call.
 *
 * <p>Accuracy. Going through {@code G} squares the condition number: each {@code s_i^2} is accurate
 * to about {@code n eps s_max^2}, so small singular values carry an absolute error of about {@code
 * n eps s_max^2 / s_i}, within the contract of the conformance suite. The vectors are accurate to
 * about {@code n eps s_max^2 / gap_i}.
 *
 * <p>Not thread-safe: one caller uses it, then closes it.
 */
final class OpenBlasFactorization implements Factorization {
    private static final Logger LOG = LoggerFactory.getLogger(OpenBlasFactorization.class);

    /**
     * {@code A} is scaled only when the binary exponent of its largest magnitude is beyond this:
     * below it neither {@code G} nor any product overflows or becomes subnormal where it matters
     * (scaling by a power of two changes no rounding otherwise), so the scaling pass is skipped.
     */
    static final int SAFE_EXPONENT = 256;

    private final MatrixSource a;
    private final int rows;
    private final int cols;
    private final int exponent;
    private final Runnable threadSetting;
    private final int threads;
    private final String context;
    private double[] singularValues;
    private OpenBlasTridiagonal tridiagonal;
    private boolean closed;

    private OpenBlasFactorization(
            MatrixSource a, int exponent, int threads, Runnable threadSetting) {
        this.a = a;
        this.rows = a.rows();
        this.cols = a.cols();
        this.exponent = exponent;
        this.threadSetting = threadSetting;
        this.threads = threads;
        this.context =
                String.format(
                        "the %d x %d Gram matrix of a %d x %d matrix", rows, rows, rows, cols);
    }

    /**
     * Factorizes {@code a}: all singular values, and the tridiagonal form kept for {@link
     * #truncate}.
     *
     * @param a the {@code n x m} matrix, {@code 1 <= n <= m}, finite; not modified, read again by
     *     {@link #truncate}
     * @param threads the backend's thread count, {@code >= 1}: OpenBLAS's, and the most Java
     *     threads inverse iteration may split into
     * @param threadSetting sets OpenBLAS's thread count; run before each native step
     * @return the factorization, owned by the caller
     * @throws IllegalArgumentException if the shape is wrong or an element is NaN or infinite
     * @throws BackendException if a native routine fails
     */
    static OpenBlasFactorization compute(MatrixSource a, int threads, Runnable threadSetting) {
        Objects.requireNonNull(threadSetting, "threadSetting");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        BackendChecks.requireFactorizable(OpenBlasBackendProvider.ID, a);
        int exponent =
                BackendChecks.scaleExponent(
                        BackendChecks.requireFinite(OpenBlasBackendProvider.ID, a), SAFE_EXPONENT);
        OpenBlasFactorization factorization =
                new OpenBlasFactorization(a, exponent, threads, threadSetting);
        boolean complete = false;
        try {
            factorization.reduce();
            complete = true;
            return factorization;
        } finally {
            if (!complete) {
                factorization.close();
            }
        }
    }

    @Override
    public double[] singularValues() {
        return singularValues.clone();
    }

    @Override
    public SvdResult truncate(int rank) {
        return truncate(rank, false);
    }

    /** Frees {@code G} (the reflectors) as soon as {@code P} is formed, then closes. */
    @Override
    public SvdResult truncateAndClose(int rank) {
        try {
            return truncate(rank, true);
        } finally {
            close();
        }
    }

    private SvdResult truncate(int rank, boolean last) {
        BackendChecks.requireFactorizationOpen(OpenBlasBackendProvider.ID, closed);
        BackendChecks.requireRank(OpenBlasBackendProvider.ID, rank, rows, cols);
        threadSetting.run();
        long start = System.nanoTime();
        try (DoublePointer vectors = tridiagonal.topEigenvectors(rank)) {
            if (last) {
                // The n^2 reflectors are not needed for P^T A: free them before the heap copies.
                tridiagonal.close();
                tridiagonal = null;
            }
            long formed = System.nanoTime();
            double[] projection = projection(vectors, rank);
            double[] left = leftVectors(vectors, rank);
            LOG.debug(
                    "openblas: truncated {} x {} to rank {} in {} ms (P^T A and the copies {} ms)",
                    rows,
                    cols,
                    rank,
                    (System.nanoTime() - start) / 1_000_000,
                    (System.nanoTime() - formed) / 1_000_000);
            return new SvdResult(
                    DenseMatrix.wrap(rows, rank, left), DenseMatrix.wrap(rank, cols, projection));
        }
    }

    /** Frees the native buffers; calling it again does nothing. */
    @Override
    public void close() {
        closed = true;
        if (tridiagonal != null) {
            tridiagonal.close();
            tridiagonal = null;
        }
    }

    /** Forms {@code G}, reduces it to tridiagonal form and computes the singular values. */
    private void reduce() {
        threadSetting.run();
        long start = System.nanoTime();
        DoublePointer gram = gram();
        long gramDone = System.nanoTime();
        tridiagonal = OpenBlasTridiagonal.reduce(gram, rows, context, threads);
        long reduced = System.nanoTime();
        singularValues = toSingularValues(tridiagonal.eigenvalues());
        LOG.debug(
                "openblas: factorized {} x {} in {} ms (gram {} ms, tridiagonal {} ms, values {} ms)",
                rows,
                cols,
                (System.nanoTime() - start) / 1_000_000,
                (gramDone - start) / 1_000_000,
                (reduced - gramDone) / 1_000_000,
                (System.nanoTime() - reduced) / 1_000_000);
    }

    /** {@code G = (2^-e A)(2^-e A)^T}, column-major, lower triangle set, upper triangle zero. */
    private DoublePointer gram() {
        DoublePointer gram = OpenBlasBuffers.allocate((long) rows * rows);
        boolean complete = false;
        try (OpenBlasColumnBlocks blocks =
                new OpenBlasColumnBlocks(a, Math.scalb(1.0, -exponent))) {
            Pointer.memset(gram, 0, (long) rows * rows * Double.BYTES);
            for (int block = 0; block < blocks.count(); block++) {
                int width = blocks.columns(block);
                cblas_dsyrk(
                        CblasColMajor,
                        CblasLower,
                        CblasTrans,
                        rows,
                        width,
                        1.0,
                        blocks.load(block),
                        width,
                        1.0,
                        gram,
                        rows);
            }
            complete = true;
            return gram;
        } finally {
            if (!complete) {
                gram.close();
            }
        }
    }

    /** {@code 2^e sqrt(max(lambda, 0))} for ascending eigenvalues {@code lambda}, descending. */
    private double[] toSingularValues(double[] eigenvalues) {
        double[] values = new double[rows];
        for (int i = 0; i < rows; i++) {
            double eigenvalue = Math.max(eigenvalues[rows - 1 - i], 0.0);
            values[i] = Math.scalb(Math.sqrt(eigenvalue), exponent);
        }
        return values;
    }

    /** {@code P} as a row-major {@code n x rank} array, columns in descending order. */
    private double[] leftVectors(DoublePointer vectors, int rank) {
        double[] left = new double[rows * rank];
        DoubleBuffer view = vectors.asBuffer();
        for (int i = 0; i < rows; i++) {
            int row = i * rank;
            for (int k = 0; k < rank; k++) {
                left[row + k] = view.get((rank - 1 - k) * rows + i);
            }
        }
        return left;
    }

    /** {@code P^T A} as a row-major {@code rank x m} array, one block of columns at a time. */
    private double[] projection(DoublePointer vectors, int rank) {
        double[] projection = new double[rank * cols];
        double scaleBack = Math.scalb(1.0, exponent);
        try (OpenBlasColumnBlocks blocks = new OpenBlasColumnBlocks(a, Math.scalb(1.0, -exponent));
                DoublePointer product = OpenBlasBuffers.allocate((long) blocks.width() * rank)) {
            for (int block = 0; block < blocks.count(); block++) {
                int width = blocks.columns(block);
                int first = blocks.firstColumn(block);
                // product (width x rank) = A_block^T (width x n) * Z (n x rank), column-major
                cblas_dgemm(
                        CblasColMajor,
                        CblasNoTrans,
                        CblasNoTrans,
                        width,
                        rank,
                        rows,
                        1.0,
                        blocks.load(block),
                        width,
                        vectors,
                        rows,
                        0.0,
                        product,
                        width);
                if (scaleBack != 1.0) {
                    cblas_dscal(width * rank, scaleBack, product, 1);
                }
                for (int k = 0; k < rank; k++) {
                    OpenBlasBuffers.read(
                            product,
                            (long) (rank - 1 - k) * width,
                            projection,
                            k * cols + first,
                            width);
                }
            }
        }
        return projection;
    }
}
