package org.amct.backend.aparapi;

import java.util.Comparator;
import java.util.Objects;
import java.util.stream.IntStream;
import org.amct.backend.aparapi.kernel.AparapiGramKernel;
import org.amct.backend.aparapi.kernel.AparapiProjectionKernel;
import org.amct.spi.BackendChecks;
import org.amct.spi.BackendException;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The factorization of an {@code n x m} matrix {@code A} ({@code n <= m}) through its Gram matrix,
 * with the heavy steps as float64 OpenCL kernels on the backend's device.
 *
 * <p>Method. If the largest absolute element of {@code A} lies outside {@code [2^-256, 2^256]},
 * {@code A} is first scaled by the power of two {@code 2^-e} nearest it (exact; it keeps {@code A
 * A^T} away from overflow and underflow for elements near {@code 1e+300} or {@code 1e-300}). {@code
 * factorize}: {@code G = A A^T} on the device ({@link AparapiGramKernel}, {@code n^2 m}
 * multiply-adds), padded to an even order {@code N}; then the parallel cyclic Jacobi eigen-solver
 * on the device ({@link AparapiJacobiSolver}, about {@code 3 N^3} multiply-adds per sweep) gives
 * {@code G = V diag(lambda) V^T}. The singular values are {@code 2^e sqrt(max(lambda, 0))}, sorted
 * descending on the host; {@code V} is kept on the host. {@code truncate(r)}: {@code P} and {@code
 * P^T} are gathered from the columns of {@code V} on the host, and {@code P^T A} is formed on the
 * device ({@link AparapiProjectionKernel}, {@code n m r} multiply-adds), then scaled back by {@code
 * 2^e}.
 *
 * <p>Memory. Host: {@code 2 N^2} doubles ({@code G}, then {@code V}; {@code truncate} adds {@code
 * P^T}, at most {@code (n + 3) n}, beside {@code V}) plus, when scaled, a copy of {@code A}.
 * Device: at most {@code max(n m + N^2, 2 N^2, (n + 3) n + 2 n m)} doubles at a time (each kernel's
 * device buffers are freed after its run), checked against the device's limits first.
 *
 * <p>Accuracy. Going through {@code G} squares the condition number: each {@code s_i^2} is accurate
 * to about {@code m eps s_max^2}, and vectors to about {@code m eps s_max^2 / gap_i}, as for the
 * other Gram-based backends. {@code V} is a product of rotations, orthonormal to about {@code
 * sqrt(sweeps N) eps}.
 *
 * <p>Not thread-safe: one caller uses it, then closes it.
 */
final class AparapiFactorization implements Factorization {
    /** Matrices whose largest element has a binary exponent within this bound are not scaled. */
    static final int SAFE_EXPONENT = 256;

    private static final Logger LOG = LoggerFactory.getLogger(AparapiFactorization.class);

    private final AparapiKernels kernels;
    private final int rows;
    private final int cols;
    private final int order;
    private final int exponent;
    private final double[] singularValues;
    private double[] matrix;
    private double[] vectors;
    private int[] columns;
    private boolean closed;

    private AparapiFactorization(
            AparapiKernels kernels,
            int rows,
            int cols,
            int exponent,
            double[] matrix,
            double[] gram,
            double[] vectors) {
        this.kernels = kernels;
        this.rows = rows;
        this.cols = cols;
        this.order = evenOrder(rows);
        this.exponent = exponent;
        this.matrix = matrix;
        this.vectors = vectors;
        this.columns = descendingColumns(gram, rows, order);
        this.singularValues = new double[rows];
        for (int k = 0; k < rows; k++) {
            double lambda = gram[columns[k] * order + columns[k]];
            singularValues[k] = Math.scalb(Math.sqrt(Math.max(lambda, 0.0)), exponent);
        }
    }

    /**
     * Factorizes {@code a}: all singular values, and the eigenvectors of {@code A A^T} kept for
     * {@link #truncate}.
     *
     * @param a the {@code n x m} matrix, {@code 1 <= n <= m}, finite; not modified
     * @param kernels the backend's kernels
     * @return the factorization, owned by the caller
     * @throws IllegalArgumentException if the shape is wrong or an element is NaN or infinite
     * @throws BackendException if the matrix does not fit the device, the solver does not converge,
     *     or a kernel did not run on the device
     */
    static AparapiFactorization compute(DenseMatrix a, AparapiKernels kernels) {
        Objects.requireNonNull(kernels, "kernels");
        int rows = a.rows();
        int cols = a.cols();
        BackendChecks.requireFactorizable(AparapiBackendProvider.ID, a);
        int exponent =
                BackendChecks.scaleExponent(
                        BackendChecks.requireFinite(AparapiBackendProvider.ID, a), SAFE_EXPONENT);
        int order = evenOrder(rows);
        AparapiMemory.check(rows, cols, order, kernels.device());
        String context = rows + " x " + cols;
        long start = System.nanoTime();
        double[] matrix = AparapiScaling.scaled(a, exponent);
        double[] gram = gram(matrix, rows, cols, order, kernels.gram());
        long gramDone = System.nanoTime();
        double[] vectors = AparapiJacobiSolver.solve(gram, order, kernels.jacobi(), context);
        LOG.debug(
                "aparapi: factorized {} in {} ms (Gram {} ms, Jacobi {} ms) on {}",
                context,
                (System.nanoTime() - start) / 1_000_000,
                (gramDone - start) / 1_000_000,
                (System.nanoTime() - gramDone) / 1_000_000,
                kernels.device().name());
        return new AparapiFactorization(kernels, rows, cols, exponent, matrix, gram, vectors);
    }

    @Override
    public double[] singularValues() {
        return singularValues.clone();
    }

    @Override
    public SvdResult truncate(int rank) {
        BackendChecks.requireFactorizationOpen(AparapiBackendProvider.ID, closed);
        BackendChecks.requireRank(AparapiBackendProvider.ID, rank, rows, cols);
        double[] left = new double[rows * rank];
        double[] transposed = new double[AparapiProjectionKernel.paddedRank(rank) * rows];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < rank; k++) {
                double value = vectors[i * order + columns[k]];
                left[i * rank + k] = value;
                transposed[k * rows + i] = value;
            }
        }
        double[] projection = project(transposed, rank);
        for (int i = 0; i < projection.length; i++) {
            projection[i] = Math.scalb(projection[i], exponent);
        }
        return new SvdResult(
                DenseMatrix.wrap(rows, rank, left), DenseMatrix.wrap(rank, cols, projection));
    }

    /**
     * Drops the kept eigenvectors and the reference to {@code A}; calling it again does nothing.
     */
    @Override
    public void close() {
        closed = true;
        matrix = null;
        vectors = null;
        columns = null;
    }

    private double[] project(double[] transposed, int rank) {
        AparapiPinnedKernel<AparapiProjectionKernel> pinned = kernels.projection();
        double[] projection = new double[rank * cols];
        AparapiProjectionKernel kernel = pinned.kernel();
        kernel.bind(transposed, matrix, rows, cols, rank, projection);
        pinned.runOnce(kernel.workItems(), kernel::download);
        return projection;
    }

    private static double[] gram(
            double[] matrix,
            int rows,
            int cols,
            int order,
            AparapiPinnedKernel<AparapiGramKernel> pinned) {
        double[] gram = new double[order * order];
        AparapiGramKernel kernel = pinned.kernel();
        kernel.bind(matrix, rows, cols, gram, order);
        pinned.runOnce(kernel.workItems(), kernel::download);
        return gram;
    }

    /** The rows of {@code A} rounded up to an even number, the order the Jacobi ordering needs. */
    private static int evenOrder(int rows) {
        return rows + rows % 2;
    }

    /**
     * The indices of the {@code n} real eigenvalues (the padding index {@code N - 1}, if any, is
     * left out), by descending eigenvalue, ties by index.
     */
    private static int[] descendingColumns(double[] gram, int rows, int order) {
        return IntStream.range(0, rows)
                .boxed()
                .sorted(
                        Comparator.comparingDouble((Integer i) -> gram[i * order + i])
                                .reversed()
                                .thenComparing(Comparator.naturalOrder()))
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
