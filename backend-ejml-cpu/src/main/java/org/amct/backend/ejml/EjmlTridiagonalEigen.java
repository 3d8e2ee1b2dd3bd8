package org.amct.backend.ejml;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.amct.spi.BackendException;
import org.ejml.dense.row.decomposition.eig.symm.SymmetricQrAlgorithm_DDRM;

/**
 * Eigenvalues and selected eigenvectors of a symmetric tridiagonal matrix {@code T} (diagonal
 * {@code d}, off-diagonal {@code e}).
 *
 * <p>All eigenvalues come from EJML's implicit symmetric QR algorithm without vectors ({@link
 * SymmetricQrAlgorithm_DDRM}, {@code O(n^2)}). Only the eigenvectors that {@code truncate} needs
 * are computed, by inverse iteration in the manner of LAPACK's {@code dstein}: a tridiagonal LU
 * with partial pivoting of {@code T - lambda I} per vector, three solves from a seeded random
 * start, shifts of close eigenvalues nudged apart, and modified Gram-Schmidt against the vectors of
 * the same cluster (eigenvalues closer than {@link #CLUSTER_GAP} of {@code ||T||}). Cost: {@code
 * O(n)} per vector plus {@code O(n k)} for a vector with {@code k} cluster neighbours. Thread-safe
 * (stateless).
 */
final class EjmlTridiagonalEigen {
    /** Eigenvalues closer than this fraction of {@code ||T||} are one cluster (dstein's ortol). */
    static final double CLUSTER_GAP = 1e-3;

    private static final double EPS = Math.ulp(1.0);
    private static final int SOLVES = 3;

    private EjmlTridiagonalEigen() {}

    /**
     * All eigenvalues in descending order.
     *
     * @throws BackendException if the QR iteration does not converge
     */
    static double[] eigenvalues(double[] diagonal, double[] offDiagonal) {
        int n = diagonal.length;
        if (n == 1) {
            return new double[] {diagonal[0]};
        }
        SymmetricQrAlgorithm_DDRM qr = new SymmetricQrAlgorithm_DDRM();
        qr.setFastEigenvalues(true);
        if (!qr.process(n, diagonal.clone(), Arrays.copyOf(offDiagonal, n))) {
            throw new BackendException(
                    "ejml: the symmetric QR algorithm did not converge on the "
                            + n
                            + " x "
                            + n
                            + " tridiagonal matrix");
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = qr.getEigenvalue(i);
        }
        Arrays.sort(values);
        for (int i = 0; i < n / 2; i++) {
            double swap = values[i];
            values[i] = values[n - 1 - i];
            values[n - 1 - i] = swap;
        }
        return values;
    }

    /**
     * The unit eigenvectors of the first {@code rank} eigenvalues, each as a row of length {@code
     * n}.
     *
     * @param eigenvalues all eigenvalues, descending
     */
    static double[][] eigenvectors(
            double[] diagonal, double[] offDiagonal, double[] eigenvalues, int rank) {
        int n = diagonal.length;
        double[][] vectors = new double[rank][];
        if (n == 1) {
            vectors[0] = new double[] {1};
            return vectors;
        }
        double norm = norm(diagonal, offDiagonal);
        if (norm == 0) {
            for (int k = 0; k < rank; k++) {
                vectors[k] = new double[n];
                vectors[k][k] = 1;
            }
            return vectors;
        }
        double clusterGap = CLUSTER_GAP * norm;
        double perturbation = 10 * EPS * norm;
        EjmlTridiagonalLu lu = new EjmlTridiagonalLu(diagonal, offDiagonal, EPS * norm);
        int clusterStart = 0;
        double previousShift = 0;
        for (int k = 0; k < rank; k++) {
            double shift = eigenvalues[k];
            if (k == 0 || eigenvalues[k - 1] - eigenvalues[k] >= clusterGap) {
                clusterStart = k;
            } else if (previousShift - shift < perturbation) {
                shift = previousShift - perturbation;
            }
            previousShift = shift;
            lu.factor(shift);
            vectors[k] = inverseIteration(lu, vectors, clusterStart, k, n);
        }
        return vectors;
    }

    private static double[] inverseIteration(
            EjmlTridiagonalLu lu, double[][] vectors, int clusterStart, int k, int n) {
        SplittableRandom random = new SplittableRandom(0x9E3779B97F4A7C15L * (k + 1));
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextDouble() * 2 - 1;
        }
        normalize(x);
        for (int solve = 0; solve < SOLVES; solve++) {
            lu.solve(x);
            normalize(x);
            for (int j = clusterStart; j < k; j++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += vectors[j][i] * x[i];
                }
                for (int i = 0; i < n; i++) {
                    x[i] -= dot * vectors[j][i];
                }
            }
            normalize(x);
        }
        return x;
    }

    /** Scales {@code x} to unit length, first by its largest element so nothing overflows. */
    private static void normalize(double[] x) {
        double max = 0;
        for (double value : x) {
            max = Math.max(max, Math.abs(value));
        }
        if (max == 0 || !Double.isFinite(max)) {
            throw new BackendException(
                    "ejml: inverse iteration produced a vector with largest element " + max);
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] /= max;
            sum += x[i] * x[i];
        }
        double length = Math.sqrt(sum);
        for (int i = 0; i < x.length; i++) {
            x[i] /= length;
        }
    }

    /** The infinity norm of {@code T}. */
    private static double norm(double[] diagonal, double[] offDiagonal) {
        double norm = 0;
        int n = diagonal.length;
        for (int i = 0; i < n; i++) {
            double row = Math.abs(diagonal[i]);
            row += i > 0 ? Math.abs(offDiagonal[i - 1]) : 0;
            row += i < n - 1 ? Math.abs(offDiagonal[i]) : 0;
            norm = Math.max(norm, row);
        }
        return norm;
    }
}
