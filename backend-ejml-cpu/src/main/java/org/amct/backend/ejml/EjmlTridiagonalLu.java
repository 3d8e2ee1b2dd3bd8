package org.amct.backend.ejml;

/**
 * The LU factorization with partial pivoting of {@code T - shift I} for a symmetric tridiagonal
 * {@code T} (as LAPACK's {@code dgttrf}/{@code dgttrs}), reused for each shift. Pivots smaller than
 * {@code tinyPivot} are replaced by {@code tinyPivot} with their sign, as inverse iteration needs.
 * Not thread-safe.
 */
final class EjmlTridiagonalLu {
    private final double[] diagonal;
    private final double[] offDiagonal;
    private final double tinyPivot;
    private final int n;
    private final double[] lower;
    private final double[] pivot;
    private final double[] upper1;
    private final double[] upper2;
    private final boolean[] swapped;

    EjmlTridiagonalLu(double[] diagonal, double[] offDiagonal, double tinyPivot) {
        this.diagonal = diagonal;
        this.offDiagonal = offDiagonal;
        this.tinyPivot = tinyPivot;
        this.n = diagonal.length;
        this.lower = new double[n];
        this.pivot = new double[n];
        this.upper1 = new double[n];
        this.upper2 = new double[n];
        this.swapped = new boolean[n];
    }

    /** Factors {@code T - shift I}. */
    void factor(double shift) {
        for (int i = 0; i < n; i++) {
            pivot[i] = diagonal[i] - shift;
            upper1[i] = i < n - 1 ? offDiagonal[i] : 0;
            upper2[i] = 0;
            lower[i] = i < n - 1 ? offDiagonal[i] : 0;
        }
        for (int i = 0; i < n - 1; i++) {
            if (Math.abs(pivot[i]) >= Math.abs(lower[i])) {
                swapped[i] = false;
                double factor = pivot[i] == 0 ? 0 : lower[i] / pivot[i];
                lower[i] = factor;
                pivot[i + 1] -= factor * upper1[i];
            } else {
                swapped[i] = true;
                double factor = pivot[i] / lower[i];
                pivot[i] = lower[i];
                lower[i] = factor;
                double temp = upper1[i];
                upper1[i] = pivot[i + 1];
                pivot[i + 1] = temp - factor * pivot[i + 1];
                if (i < n - 2) {
                    upper2[i] = upper1[i + 1];
                    upper1[i + 1] = -factor * upper1[i + 1];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (Math.abs(pivot[i]) < tinyPivot) {
                pivot[i] = pivot[i] < 0 ? -tinyPivot : tinyPivot;
            }
        }
    }

    /** Overwrites {@code b} with the solution of {@code (T - shift I) x = b}. */
    void solve(double[] b) {
        for (int i = 0; i < n - 1; i++) {
            if (swapped[i]) {
                double temp = b[i];
                b[i] = b[i + 1];
                b[i + 1] = temp - lower[i] * b[i];
            } else {
                b[i + 1] -= lower[i] * b[i];
            }
        }
        b[n - 1] /= pivot[n - 1];
        if (n > 1) {
            b[n - 2] = (b[n - 2] - upper1[n - 2] * b[n - 1]) / pivot[n - 2];
        }
        for (int i = n - 3; i >= 0; i--) {
            b[i] = (b[i] - upper1[i] * b[i + 1] - upper2[i] * b[i + 2]) / pivot[i];
        }
    }
}
