package org.amct.backend.nd4j;

import java.util.Arrays;
import java.util.Objects;
import org.amct.spi.BackendChecks;
import org.amct.spi.BackendException;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The factorization of an {@code n x m} matrix {@code A} ({@code n <= m}) through its Gram matrix,
 * with ND4J operations only, so that the same code runs on ND4J's CPU backend and on its CUDA
 * backend.
 *
 * <p>Method. {@code A} is copied into ND4J and scaled by {@code 2^-e}, the power of two nearest its
 * largest absolute element (exact, and safe for elements near {@code 1e-300} or {@code 1e+300}).
 * {@code factorize}: {@code G = A A^T} by one gemm ({@code 2 n^2 m} flops; cuBLAS on a GPU,
 * OpenBLAS on the CPU), a copy of {@code G} is kept, and the eigenvalues of {@code G} come from
 * {@code syev} without vectors ({@code dsyev} on the CPU, {@code cusolverDnDsyevd} on a GPU: a
 * tridiagonal reduction, {@code 4/3 n^3}, then an {@code O(n^2)} step); the singular values are
 * {@code 2^e sqrt(max(lambda, 0))}, descending. The first {@code truncate} runs {@code syev} with
 * vectors on the kept copy (a second reduction, the accumulation of {@code Q} and the vector
 * updates, about {@code 9 n^3} on the CPU) and keeps them; each {@code truncate(r)} then takes the
 * top {@code r} eigenvectors as {@code P} and forms {@code P^T A} by one gemm ({@code 2 n m r}).
 *
 * <p>Why this route: ND4J offers {@code gesvd} and {@code syev} only (no {@code syevr}, {@code
 * stemr} or {@code gesdd}). Measured on 2 shared CPU cores, {@code gemm + syev} was as fast as or
 * faster than {@code gesvd} with {@code U} for the shapes the decomposition produces (768x768:
 * about 0.9 s against 1.4 s; 1536x1536: 7.0 s against 7.3 s), and on a GPU {@code cusolverDnDsyevd}
 * (divide and conquer) is the fast path while {@code cusolverDnDgesvd} is not. Splitting values and
 * vectors costs about 5% more than one {@code syev} with vectors when the caller truncates, and
 * saves 85 to 90% when it only needs the spectrum (choosing a rank).
 *
 * <p>Memory, in doubles, in ND4J's off-heap (CPU) or device (CUDA) memory: {@code n m} (the scaled
 * copy of {@code A}, kept until {@link #close()}) {@code + 2 n^2} ({@code G} and its kept copy;
 * {@code G} is freed after the eigenvalues) during {@code factorize}; {@code truncate(r)} adds
 * {@code 2 n r + 2 r m} transiently (the top vectors and the projection, and their row-major
 * copies) plus {@code n r + r m} on the Java heap for the result.
 *
 * <p>Accuracy. Going through {@code G} squares the condition number: each {@code s_i^2} is accurate
 * to about {@code n eps s_max^2}, and the vectors to about {@code n eps s_max^2 / gap_i}, within
 * the contract of the conformance suite.
 *
 * <p>Not thread-safe: one caller uses it, then closes it.
 */
final class Nd4jFactorization implements Factorization {
    private static final Logger LOG = LoggerFactory.getLogger(Nd4jFactorization.class);

    private final int rows;
    private final int cols;
    private final int exponent;
    private final Runnable threadSetting;
    private INDArray scaled;
    private INDArray vectors;
    private boolean hasVectors;
    private double[] singularValues;
    private boolean closed;

    private Nd4jFactorization(DenseMatrix a, int exponent, Runnable threadSetting) {
        this.rows = a.rows();
        this.cols = a.cols();
        this.exponent = exponent;
        this.threadSetting = threadSetting;
    }

    /**
     * Factorizes {@code a}: all singular values, with what {@link #truncate} needs kept in ND4J.
     *
     * @param a the {@code n x m} matrix, {@code 1 <= n <= m}, finite; not modified
     * @param threadSetting applies the backend's thread count to ND4J; run before each step
     * @return the factorization, owned by the caller
     * @throws IllegalArgumentException if the shape is wrong or an element is NaN or infinite
     * @throws BackendException if an ND4J routine fails
     */
    static Nd4jFactorization compute(DenseMatrix a, Runnable threadSetting) {
        Objects.requireNonNull(threadSetting, "threadSetting");
        BackendChecks.requireFactorizable(Nd4jBackendProvider.ID, a);
        int exponent =
                BackendChecks.scaleExponent(BackendChecks.requireFinite(Nd4jBackendProvider.ID, a));
        Nd4jFactorization factorization = new Nd4jFactorization(a, exponent, threadSetting);
        boolean complete = false;
        try {
            factorization.reduce(a);
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
        BackendChecks.requireFactorizationOpen(Nd4jBackendProvider.ID, closed);
        BackendChecks.requireRank(Nd4jBackendProvider.ID, rank, rows, cols);
        threadSetting.run();
        long start = System.nanoTime();
        ensureVectors();
        try (INDArray top =
                        vectors.get(NDArrayIndex.all(), NDArrayIndex.interval(rows - rank, rows))
                                .dup('f');
                INDArray projection = Nd4j.gemm(top, scaled, true, false)) {
            if (exponent != 0) {
                projection.muli(Math.scalb(1.0, exponent));
            }
            double[] left = Nd4jArrays.withColumnsReversed(top);
            double[] product = Nd4jArrays.withRowsReversed(projection);
            LOG.debug(
                    "nd4j: truncated {} x {} to rank {} in {} ms",
                    rows,
                    cols,
                    rank,
                    (System.nanoTime() - start) / 1_000_000);
            return new SvdResult(
                    DenseMatrix.wrap(rows, rank, left), DenseMatrix.wrap(rank, cols, product));
        }
    }

    /** Frees the ND4J arrays; calling it again does nothing. */
    @Override
    public void close() {
        closed = true;
        for (INDArray array : new INDArray[] {scaled, vectors}) {
            if (array != null) {
                array.close();
            }
        }
        scaled = null;
        vectors = null;
    }

    /** Copies and scales {@code A}, forms {@code G}, keeps a copy, computes the singular values. */
    private void reduce(DenseMatrix a) {
        threadSetting.run();
        long start = System.nanoTime();
        scaled = Nd4j.create(a.backingArray(), new long[] {rows, cols}, 'c');
        if (exponent != 0) {
            scaled.muli(Math.scalb(1.0, -exponent));
        }
        double[] eigenvalues;
        try (INDArray gram =
                Nd4j.createUninitialized(DataType.DOUBLE, new long[] {rows, rows}, 'f')) {
            Nd4j.gemm(scaled, scaled, gram, false, true, 1.0, 0.0);
            vectors = gram.dup('f');
            eigenvalues = symmetricEigen(gram, 'N');
        }
        singularValues = toSingularValues(eigenvalues);
        LOG.debug(
                "nd4j: factorized {} x {} in {} ms",
                rows,
                cols,
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Overwrites the kept copy of {@code G} with its eigenvectors, once. If that fails the copy is
     * lost, so the factorization closes itself before the failure propagates.
     */
    private void ensureVectors() {
        if (hasVectors) {
            return;
        }
        boolean complete = false;
        try {
            symmetricEigen(vectors, 'V');
            hasVectors = true;
            complete = true;
        } finally {
            if (!complete) {
                close();
            }
        }
    }

    /**
     * Runs ND4J's {@code syev} on the lower triangle of {@code symmetric}, which it overwrites
     * (with the eigenvectors for job {@code 'V'}).
     *
     * @return the eigenvalues, ascending
     */
    private double[] symmetricEigen(INDArray symmetric, char job) {
        try (INDArray eigenvalues = Nd4j.create(DataType.DOUBLE, rows)) {
            int status = Nd4j.getBlasWrapper().lapack().syev(job, 'L', symmetric, eigenvalues);
            if (status != 0) {
                throw new BackendException(
                        "Backend 'nd4j': ND4J's syev (job "
                                + job
                                + ") failed with status "
                                + status
                                + " on the "
                                + rows
                                + " x "
                                + rows
                                + " Gram matrix of a "
                                + rows
                                + " x "
                                + cols
                                + " matrix"
                                + (status > 0 ? " (" + status + " values did not converge)" : ""));
            }
            return eigenvalues.toDoubleVector();
        }
    }

    /** {@code 2^e sqrt(max(lambda, 0))}, descending. */
    private double[] toSingularValues(double[] eigenvalues) {
        double[] sorted = eigenvalues.clone();
        Arrays.sort(sorted);
        double[] values = new double[rows];
        for (int i = 0; i < rows; i++) {
            values[i] = Math.scalb(Math.sqrt(Math.max(sorted[rows - 1 - i], 0.0)), exponent);
        }
        return values;
    }
}
