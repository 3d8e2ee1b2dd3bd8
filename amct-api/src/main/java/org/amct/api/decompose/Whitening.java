package org.amct.api.decompose;

import org.amct.api.exception.DecompositionException;
import org.amct.spi.DenseMatrix;
import org.amct.spi.SvdResult;

/**
 * The algebra of data-aware factors (docs/design/ALGORITHM.md section 8). Let {@code S = L L^T} be
 * the damped second moment of the first conv's input patches {@code x}.
 *
 * <ul>
 *   <li>SC modes: {@code x} is indexed like the rows of {@code A}; the layer's output for column
 *       {@code (o, q)} is {@code A[:, oq]^T x}, so the expected squared error of a replacement
 *       {@code P C} is {@code ||L^T (A - P C)||^2}. Its minimum at rank {@code r} is the truncated
 *       SVD of {@code L^T A = U Sigma V^T}: {@code L^T P C = U_r U_r^T L^T A}, so {@code P = L^-T
 *       U_r} and {@code C = U_r^T L^T A}.
 *   <li>FC modes: {@code x} is indexed like the columns of {@code A}; the output for row {@code (o,
 *       p)} is {@code A[op, :] x}, the error {@code ||(A - P C) L||^2}, minimised by the truncated
 *       SVD of {@code A L}: {@code P C L = U_r U_r^T A L}, so {@code P = U_r} and {@code C = U_r^T
 *       A}.
 * </ul>
 *
 * Both ignore the coupling between neighbouring taps of the second conv's kernel (each column, or
 * row, is treated as its own output). At full rank {@code U} is square and orthogonal, so {@code P
 * C = A} exactly in both modes. All arithmetic is float64.
 */
public final class Whitening {
    private Whitening() {}

    /**
     * The lower Cholesky factor of {@code S + delta * mean(diag S) * I}.
     *
     * @param layer the layer's name, for messages
     * @param s {@code d x d} row-major, symmetric
     * @param d the size
     * @param delta the relative damping, {@code > 0}
     * @return {@code L}, {@code d x d} row-major lower triangular with a positive diagonal
     * @throws DecompositionException if {@code S} has no positive diagonal (the layer never sees a
     *     nonzero input) or is not positive semi-definite enough for the damping to fix
     */
    public static double[] dampedCholesky(String layer, double[] s, int d, double delta) {
        double trace = 0;
        for (int i = 0; i < d; i++) {
            trace += s[i * d + i];
        }
        double shift = delta * trace / d;
        if (!(shift > 0)) {
            throw new DecompositionException(
                    "Layer '"
                            + layer
                            + "': the calibration data gives its input patches a second moment"
                            + " with trace "
                            + trace
                            + " (all inputs zero?); data-aware factors need a positive one");
        }
        double[] l = new double[d * d];
        for (int j = 0; j < d; j++) {
            double diag = s[j * d + j] + shift;
            for (int k = 0; k < j; k++) {
                diag -= l[j * d + k] * l[j * d + k];
            }
            if (!(diag > 0)) {
                throw new DecompositionException(
                        "Layer '"
                                + layer
                                + "': the damped input second moment is not positive definite"
                                + " (pivot "
                                + j
                                + " of "
                                + d
                                + " is "
                                + diag
                                + "); the statistics are not a valid second moment");
            }
            double ljj = Math.sqrt(diag);
            l[j * d + j] = ljj;
            for (int i = j + 1; i < d; i++) {
                double sum = s[i * d + j];
                int ri = i * d;
                int rj = j * d;
                for (int k = 0; k < j; k++) {
                    sum -= l[ri + k] * l[rj + k];
                }
                l[ri + j] = sum / ljj;
            }
        }
        return l;
    }

    /**
     * The matrix to factorize: {@code L^T A} (SC modes, {@code L} is {@code n x n}) or {@code A L}
     * (FC modes, {@code L} is {@code m x m}).
     *
     * @param a the unfolding, {@code n x m}
     * @param l the Cholesky factor, row-major lower triangular
     * @param rowSide {@code true} for SC modes
     * @return a new {@code n x m} matrix
     */
    public static DenseMatrix whiten(DenseMatrix a, double[] l, boolean rowSide) {
        int n = a.rows();
        int m = a.cols();
        double[] av = a.backingArray();
        double[] out = new double[n * m];
        if (rowSide) {
            // (L^T A)[i, :] = sum_{k >= i} L[k, i] A[k, :]
            for (int k = 0; k < n; k++) {
                int rk = k * m;
                for (int i = 0; i <= k; i++) {
                    double lki = l[k * n + i];
                    if (lki == 0) {
                        continue;
                    }
                    int ri = i * m;
                    for (int j = 0; j < m; j++) {
                        out[ri + j] += lki * av[rk + j];
                    }
                }
            }
        } else {
            // (A L)[i, j] = sum_{k >= j} A[i, k] L[k, j]: row i of the result accumulates rows of
            // L.
            for (int i = 0; i < n; i++) {
                int ri = i * m;
                for (int k = 0; k < m; k++) {
                    double aik = av[ri + k];
                    if (aik == 0) {
                        continue;
                    }
                    int rk = k * m;
                    for (int j = 0; j <= k; j++) {
                        out[ri + j] += aik * l[rk + j];
                    }
                }
            }
        }
        return DenseMatrix.wrap(n, m, out);
    }

    /**
     * The factors {@code P} and {@code C} of the original (unwhitened) matrix from the truncated
     * SVD of the whitened one.
     *
     * @param a the unfolding, {@code n x m}
     * @param l the Cholesky factor used to whiten
     * @param rowSide {@code true} for SC modes
     * @param whitened {@code U_r} and {@code U_r^T B} of the whitened matrix {@code B}
     * @return {@code P} ({@code n x r}) and {@code C} ({@code r x m}) with {@code P C} the
     *     data-aware rank-{@code r} approximation of {@code A}
     */
    public static SvdResult unwhiten(
            DenseMatrix a, double[] l, boolean rowSide, SvdResult whitened) {
        int n = a.rows();
        int m = a.cols();
        int r = whitened.rank();
        double[] u = whitened.leftVectors().backingArray();
        if (rowSide) {
            // P = L^-T U_r: back substitution with the upper triangular L^T, all r columns at once.
            double[] p = u.clone();
            for (int i = n - 1; i >= 0; i--) {
                int ri = i * r;
                for (int k = i + 1; k < n; k++) {
                    double lki = l[k * n + i];
                    if (lki == 0) {
                        continue;
                    }
                    int rk = k * r;
                    for (int c = 0; c < r; c++) {
                        p[ri + c] -= lki * p[rk + c];
                    }
                }
                double lii = l[i * n + i];
                for (int c = 0; c < r; c++) {
                    p[ri + c] /= lii;
                }
            }
            return new SvdResult(DenseMatrix.wrap(n, r, p), whitened.projection());
        }
        // C = U_r^T A.
        double[] av = a.backingArray();
        double[] c = new double[r * m];
        for (int i = 0; i < n; i++) {
            int ri = i * m;
            for (int k = 0; k < r; k++) {
                double uik = u[i * r + k];
                int rk = k * m;
                for (int j = 0; j < m; j++) {
                    c[rk + j] += uik * av[ri + j];
                }
            }
        }
        return new SvdResult(whitened.leftVectors(), DenseMatrix.wrap(r, m, c));
    }
}
