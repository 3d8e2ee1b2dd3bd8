package org.amct.backend.example;

import org.amct.spi.BackendException;

/**
 * The cyclic Jacobi eigenvalue method for a symmetric matrix: plane rotations zero the off-diagonal
 * elements one pair at a time, sweep after sweep, until none is left above rounding level. Simple
 * and accurate; about {@code 6 n^3} flops per sweep, so meant for small matrices.
 */
final class ExampleJacobi {
    private static final int MAX_SWEEPS = 60;
    private static final double EPS = Math.ulp(1.0);

    private ExampleJacobi() {}

    /**
     * Diagonalizes {@code g} in place and accumulates the rotations into {@code vectors}.
     *
     * @param g the symmetric {@code n x n} matrix, row-major; overwritten
     * @param vectors an {@code n x n} matrix, usually the identity; on return its columns are the
     *     eigenvectors
     * @param n the order
     * @return the {@code n} eigenvalues, in the order of the columns of {@code vectors}
     * @throws BackendException if the sweeps do not converge
     */
    static double[] eigen(double[] g, double[] vectors, int n) {
        double norm = 0;
        for (double v : g) {
            norm += v * v;
        }
        double negligible = EPS * EPS * Math.sqrt(norm);
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotated |= rotate(g, vectors, n, p, q, negligible);
                }
            }
            if (!rotated) {
                double[] eigenvalues = new double[n];
                for (int i = 0; i < n; i++) {
                    eigenvalues[i] = g[i * n + i];
                }
                return eigenvalues;
            }
        }
        throw new BackendException(
                "example: Jacobi did not converge in " + MAX_SWEEPS + " sweeps (n = " + n + ")");
    }

    /** Zeroes {@code g[p][q]} unless it is already negligible; says whether it rotated. */
    private static boolean rotate(
            double[] g, double[] vectors, int n, int p, int q, double negligible) {
        double gpq = g[p * n + q];
        double gpp = g[p * n + p];
        double gqq = g[q * n + q];
        if (Math.abs(gpq) <= negligible
                || Math.abs(gpq) <= EPS * 1e-2 * Math.sqrt(Math.abs(gpp * gqq))) {
            return false;
        }
        double theta = (gqq - gpp) / (2 * gpq);
        double t =
                Math.abs(theta) > 1e150
                        ? 0.5 / theta
                        : Math.signum(theta == 0 ? 1 : theta)
                                / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < n; k++) {
            double kp = g[k * n + p];
            double kq = g[k * n + q];
            g[k * n + p] = c * kp - s * kq;
            g[k * n + q] = s * kp + c * kq;
        }
        for (int k = 0; k < n; k++) {
            double pk = g[p * n + k];
            double qk = g[q * n + k];
            g[p * n + k] = c * pk - s * qk;
            g[q * n + k] = s * pk + c * qk;
        }
        for (int k = 0; k < n; k++) {
            double kp = vectors[k * n + p];
            double kq = vectors[k * n + q];
            vectors[k * n + p] = c * kp - s * kq;
            vectors[k * n + q] = s * kp + c * kq;
        }
        g[p * n + q] = 0;
        g[q * n + p] = 0;
        return true;
    }
}
