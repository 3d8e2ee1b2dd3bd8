package org.amct.backend.ejml;

import org.amct.spi.BackendChecks;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The factorization of one {@code n x m} matrix {@code A}, kept as the tridiagonal form of its
 * scaled Gram matrix: the spectrum is known at construction, and {@link #truncate} computes only
 * the {@code r} eigenvectors it needs (inverse iteration, then back-transformation), then {@code
 * P^T A}.
 *
 * <p>Held until {@link #close()}: the reflectors ({@code n^2} doubles), the tridiagonal matrix and
 * the eigenvalues ({@code O(n)}), and a reference to {@code A} (not a copy), all released by {@link
 * #close()}. Not thread-safe.
 */
final class EjmlFactorization implements Factorization {
    /** Rows of {@code P^T} per EJML product task. */
    private static final int PROJECTION_BLOCK = 64;

    private final int rows;
    private final int cols;
    private final double scale;
    private final EjmlParallel parallel;
    private final double[] eigenvalues;
    private final double[] singularValues;
    private DenseMatrix a;
    private double[] reflectors;
    private double[] taus;
    private double[] diagonal;
    private double[] offDiagonal;
    private boolean closed;

    /**
     * Takes over the results of the reduction.
     *
     * @param a the factorized matrix, referenced until {@link #close()}
     * @param scale the factor {@code A} was divided by before forming the Gram matrix; 0 for the
     *     zero matrix
     * @param reduced the finished reduction, or {@code null} when {@code scale == 0}
     */
    EjmlFactorization(
            DenseMatrix a, double scale, EjmlTridiagonalizer reduced, EjmlParallel parallel) {
        this.a = a;
        this.rows = a.rows();
        this.cols = a.cols();
        this.scale = scale;
        this.parallel = parallel;
        int n = a.rows();
        if (reduced == null) {
            this.eigenvalues = new double[n];
        } else {
            this.reflectors = reduced.reflectors();
            this.taus = reduced.taus();
            this.diagonal = reduced.diagonal();
            this.offDiagonal = reduced.offDiagonal();
            this.eigenvalues = EjmlTridiagonalEigen.eigenvalues(diagonal, offDiagonal);
        }
        this.singularValues = new double[n];
        for (int i = 0; i < n; i++) {
            singularValues[i] = Math.sqrt(Math.max(eigenvalues[i], 0)) * scale;
        }
    }

    @Override
    public double[] singularValues() {
        return singularValues.clone();
    }

    @Override
    public SvdResult truncate(int rank) {
        int n = rows;
        BackendChecks.requireFactorizationOpen(EjmlBackendProvider.ID, closed);
        BackendChecks.requireRank(EjmlBackendProvider.ID, rank, n, cols);
        double[][] vectors = leadingVectors(rank);
        double[] p = new double[n * rank];
        for (int k = 0; k < rank; k++) {
            for (int i = 0; i < n; i++) {
                p[i * rank + k] = vectors[k][i];
            }
        }
        return new SvdResult(DenseMatrix.wrap(n, rank, p), project(vectors));
    }

    /** The first {@code rank} eigenvectors of the Gram matrix, as rows. */
    private double[][] leadingVectors(int rank) {
        int n = rows;
        if (reflectors == null) {
            double[][] unit = new double[rank][n];
            for (int k = 0; k < rank; k++) {
                unit[k][k] = 1;
            }
            return unit;
        }
        double[][] vectors =
                EjmlTridiagonalEigen.eigenvectors(diagonal, offDiagonal, eigenvalues, rank);
        EjmlBackTransform.apply(reflectors, taus, n, vectors, parallel);
        return vectors;
    }

    /**
     * {@code P^T A} by EJML's matrix product, in row blocks of {@code P^T} on the pool. When the
     * elements of {@code A} are within a factor {@code sqrt(n)} of overflow, the product is taken
     * on {@code A / scale} and scaled back.
     */
    private DenseMatrix project(double[][] vectors) {
        int rank = vectors.length;
        int n = rows;
        boolean nearOverflow = scale > Double.MAX_VALUE / (4 * Math.sqrt(n));
        DMatrixRMaj source = DMatrixRMaj.wrap(n, cols, a.backingArray());
        if (nearOverflow) {
            DMatrixRMaj scaled = new DMatrixRMaj(n, cols);
            CommonOps_DDRM.scale(1 / scale, source, scaled);
            source = scaled;
        }
        DMatrixRMaj factor = source;
        double[] out = new double[rank * cols];
        parallel.forRange(
                0,
                rank,
                PROJECTION_BLOCK / 2,
                (from, to) -> {
                    for (int k0 = from; k0 < to; k0 += PROJECTION_BLOCK) {
                        int k1 = Math.min(to, k0 + PROJECTION_BLOCK);
                        DMatrixRMaj block = new DMatrixRMaj(k1 - k0, n);
                        for (int k = k0; k < k1; k++) {
                            System.arraycopy(vectors[k], 0, block.data, (k - k0) * n, n);
                        }
                        DMatrixRMaj product = CommonOps_DDRM.mult(block, factor, null);
                        System.arraycopy(product.data, 0, out, k0 * cols, product.data.length);
                    }
                });
        if (nearOverflow) {
            for (int i = 0; i < out.length; i++) {
                out[i] *= scale;
            }
        }
        return DenseMatrix.wrap(rank, cols, out);
    }

    @Override
    public void close() {
        closed = true;
        a = null;
        reflectors = null;
        taus = null;
        diagonal = null;
        offDiagonal = null;
    }
}
