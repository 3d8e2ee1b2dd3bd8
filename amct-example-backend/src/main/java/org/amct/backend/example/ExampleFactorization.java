package org.amct.backend.example;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.amct.spi.BackendChecks;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;

/**
 * One factorization: the singular values in descending order and the matching eigenvectors of the
 * Gram matrix, from which {@link #truncate} takes the leading ones and computes {@code P^T A}. Not
 * thread-safe.
 */
final class ExampleFactorization implements Factorization {
    private final DenseMatrix a;
    private final double[] singularValues;
    private double[] vectors;
    private final int[] order;

    /**
     * Sorts the eigenpairs.
     *
     * @param a the matrix, {@code n x m}; kept (not copied) until {@link #close()}
     * @param eigenvalues the {@code n} eigenvalues of the scaled Gram matrix, in any order
     * @param vectors the eigenvectors as the columns of an {@code n x n} row-major matrix; owned
     * @param scale what {@code A} was divided by before forming the Gram matrix
     */
    ExampleFactorization(DenseMatrix a, double[] eigenvalues, double[] vectors, double scale) {
        int n = eigenvalues.length;
        this.a = a;
        this.vectors = vectors;
        this.order =
                IntStream.range(0, n)
                        .boxed()
                        .sorted(
                                Comparator.comparingDouble((Integer i) -> eigenvalues[i])
                                        .reversed())
                        .mapToInt(Integer::intValue)
                        .toArray();
        this.singularValues = new double[n];
        for (int i = 0; i < n; i++) {
            // Rounding can leave tiny negative eigenvalues: they are zero singular values.
            singularValues[i] = scale * Math.sqrt(Math.max(0, eigenvalues[order[i]]));
        }
    }

    @Override
    public double[] singularValues() {
        return singularValues.clone();
    }

    @Override
    public SvdResult truncate(int rank) {
        int n = singularValues.length;
        BackendChecks.requireFactorizationOpen(ExampleBackendProvider.ID, vectors == null);
        BackendChecks.requireRank(ExampleBackendProvider.ID, rank, n, a.cols());
        double[] p = new double[n * rank];
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < rank; col++) {
                p[row * rank + col] = vectors[row * n + order[col]];
            }
        }
        double[] projection = ExampleMatrices.transposeTimes(p, n, rank, a);
        return new SvdResult(
                DenseMatrix.wrap(n, rank, p), DenseMatrix.wrap(rank, a.cols(), projection));
    }

    @Override
    public void close() {
        vectors = null;
    }

    @Override
    public String toString() {
        return "ExampleFactorization" + Arrays.toString(new int[] {a.rows(), a.cols()});
    }
}
