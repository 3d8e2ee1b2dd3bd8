package org.amct.backend.ejml;

import java.util.Arrays;

/**
 * Reduces a symmetric matrix {@code G} to tridiagonal form {@code T = Q^T G Q} by Householder
 * reflections, blocked like LAPACK's {@code dsytrd} (lower variant): each panel of {@link #PANEL}
 * columns is reduced with matrix-vector products on the not yet updated trailing matrix (corrected
 * by the panel's earlier reflectors), then the trailing matrix gets one rank-{@code 2 * PANEL}
 * update. Only the lower triangle is read and written, so the matrix-vector products stream half
 * the matrix and the update does half the flops. Both steps run over the rows on the backend's
 * pool, in chunks of equal area.
 *
 * <p>Why not EJML's own: measured at {@code n = 1536} on this project's 2-core machine, its
 * unblocked {@code TridiagonalDecompositionHouseholder_DDRM} took 2.9 s (its {@code _MT} variant
 * 3.1 s) and the block-stored {@code TridiagonalDecomposition_DDRB_to_DDRM} 1.7 s, single-threaded,
 * and both keep their reflectors in their own layouts (getting {@code Q} out costs another 1.3 s);
 * this reduction took about 1.3 s with two threads while still updating both triangles, and keeps
 * the reflectors where the back-transformation of the few wanted vectors reads them.
 *
 * <p>The matrix is stored in row-major order ({@code n x n}; only the lower triangle, diagonal
 * included, is read) and reduced in place: on return row {@code c} holds, in its strictly upper
 * part (from column {@code c + 1} on), the Householder vector {@code v_c} ({@code v_c[c + 1] = 1}),
 * so that {@code Q = H_0 H_1 ... H_{n-2}} with {@code H_c = I - tau_c v_c v_c^T}. Partial sums of
 * the threads are added in a fixed order, so results do not depend on timing. Not thread-safe; one
 * instance per matrix.
 */
final class EjmlTridiagonalizer {
    /** Columns per panel. */
    static final int PANEL = 32;

    /** Below this trailing size the panel update runs on the calling thread. */
    private static final int MIN_PARALLEL_ROWS = 64;

    /**
     * Below this trailing size the matrix-vector product runs on the calling thread: it runs once
     * per column, and for smaller sizes the synchronization costs more than the second thread saves
     * (measured at {@code n = 768}, worst on a loaded machine).
     */
    private static final int MIN_PARALLEL_PRODUCT_ROWS = 1024;

    private final int n;
    private final double[] a;
    private final double[] diagonal;
    private final double[] offDiagonal;
    private final double[] taus;

    /**
     * Prepares the reduction of {@code gram}, which it takes over and overwrites.
     *
     * @param gram the full symmetric {@code n x n} matrix, row-major
     * @param n its order, {@code >= 1}
     */
    EjmlTridiagonalizer(double[] gram, int n) {
        this.n = n;
        this.a = gram;
        this.diagonal = new double[n];
        this.offDiagonal = new double[Math.max(0, n - 1)];
        this.taus = new double[Math.max(0, n - 1)];
    }

    /** Runs the reduction. */
    void reduce(EjmlParallel parallel) {
        double[][] vt = new double[PANEL][n];
        double[][] wt = new double[PANEL][n];
        double[] x = new double[n];
        for (int k0 = 0; k0 < n - 1; k0 += PANEL) {
            int width = Math.min(PANEL, n - 1 - k0);
            for (int j = 0; j < width; j++) {
                reduceColumn(k0 + j, j, vt, wt, x, parallel);
            }
            updateTrailing(k0 + width, width, vt, wt, parallel);
        }
        diagonal[n - 1] = a[(n - 1) * n + n - 1];
    }

    /** The diagonal of {@code T}, length {@code n}. Not a copy. */
    double[] diagonal() {
        return diagonal;
    }

    /** The sub-diagonal of {@code T}, length {@code n - 1}. Not a copy. */
    double[] offDiagonal() {
        return offDiagonal;
    }

    /** The reflector factors {@code tau_c}, length {@code n - 1}. Not a copy. */
    double[] taus() {
        return taus;
    }

    /** The reduced matrix, holding the Householder vectors in its rows. Not a copy. */
    double[] reflectors() {
        return a;
    }

    /** Reduces column {@code c}, the {@code j}-th of its panel. */
    private void reduceColumn(
            int c, int j, double[][] vt, double[][] wt, double[] x, EjmlParallel parallel) {
        // Column c of the lower triangle, as this panel left it (not yet updated).
        for (int i = c; i < n; i++) {
            x[i] = a[i * n + c];
        }
        for (int l = 0; l < j; l++) {
            double vc = vt[l][c];
            double wc = wt[l][c];
            double[] vl = vt[l];
            double[] wl = wt[l];
            for (int i = c; i < n; i++) {
                x[i] -= vl[i] * wc + wl[i] * vc;
            }
        }
        diagonal[c] = x[c];
        double[] v = vt[j];
        double[] w = wt[j];
        Arrays.fill(v, 0, c + 1, 0.0);
        Arrays.fill(w, 0.0);
        double tau = householder(c, x, v);
        taus[c] = tau;
        System.arraycopy(v, c + 1, a, c * n + c + 1, n - c - 1);
        if (tau == 0) {
            return;
        }
        symmetricTimes(c + 1, v, w, parallel);
        for (int l = 0; l < j; l++) {
            double t1 = dot(wt[l], v, c + 1);
            double t2 = dot(vt[l], v, c + 1);
            double[] vl = vt[l];
            double[] wl = wt[l];
            for (int i = c + 1; i < n; i++) {
                w[i] -= vl[i] * t1 + wl[i] * t2;
            }
        }
        for (int i = c + 1; i < n; i++) {
            w[i] *= tau;
        }
        double alpha = -0.5 * tau * dot(w, v, c + 1);
        for (int i = c + 1; i < n; i++) {
            w[i] += alpha * v[i];
        }
    }

    /**
     * Builds the reflector that maps {@code x[c+1:]} onto a multiple of the first unit vector;
     * writes {@code v} (with {@code v[c+1] = 1}) and the sub-diagonal, and returns {@code tau}.
     */
    private double householder(int c, double[] x, double[] v) {
        double alpha = x[c + 1];
        double tailSquared = 0;
        for (int i = c + 2; i < n; i++) {
            tailSquared += x[i] * x[i];
        }
        v[c + 1] = 1;
        if (tailSquared == 0) {
            offDiagonal[c] = alpha;
            for (int i = c + 2; i < n; i++) {
                v[i] = 0;
            }
            return 0;
        }
        double beta = -Math.copySign(Math.hypot(alpha, Math.sqrt(tailSquared)), alpha);
        double factor = 1 / (alpha - beta);
        for (int i = c + 2; i < n; i++) {
            v[i] = x[i] * factor;
        }
        offDiagonal[c] = beta;
        return (beta - alpha) / beta;
    }

    /**
     * {@code y[from:] = G[from:, from:] v[from:]} on the panel-start matrix, reading its lower
     * triangle once: row {@code i} adds {@code G[i, j] v[j]} to {@code y[i]} and {@code G[i, j]
     * v[i]} to {@code y[j]} for {@code j < i}. Each chunk of rows sums into its own buffer; the
     * buffers are added in chunk order.
     */
    private void symmetricTimes(int from, double[] v, double[] y, EjmlParallel parallel) {
        int minChunk =
                n - from >= MIN_PARALLEL_PRODUCT_ROWS
                        ? MIN_PARALLEL_PRODUCT_ROWS / 4
                        : Integer.MAX_VALUE;
        int[] bounds = parallel.triangleBounds(from, n, minChunk);
        double[][] partial = new double[bounds.length - 1][];
        parallel.forBounds(
                bounds,
                (start, end) -> {
                    double[] sums = new double[n];
                    for (int i = start; i < end; i++) {
                        lowerRowTimes(i, from, v, sums);
                    }
                    partial[Arrays.binarySearch(bounds, start)] = sums;
                });
        Arrays.fill(y, from, n, 0.0);
        for (double[] sums : partial) {
            if (sums != null) {
                for (int i = from; i < n; i++) {
                    y[i] += sums[i];
                }
            }
        }
    }

    /** Adds row {@code i}'s share of {@code G v}: its dot product and its transposed part. */
    private void lowerRowTimes(int i, int from, double[] v, double[] sums) {
        int offset = i * n;
        double vi = v[i];
        double s0 = 0;
        double s1 = 0;
        int j = from;
        for (; j + 1 < i; j += 2) {
            double g0 = a[offset + j];
            double g1 = a[offset + j + 1];
            s0 += g0 * v[j];
            s1 += g1 * v[j + 1];
            sums[j] += g0 * vi;
            sums[j + 1] += g1 * vi;
        }
        for (; j < i; j++) {
            double g = a[offset + j];
            s0 += g * v[j];
            sums[j] += g * vi;
        }
        sums[i] += (s0 + s1) + a[offset + i] * vi;
    }

    private double dot(double[] left, double[] right, int from) {
        double sum = 0;
        for (int i = from; i < n; i++) {
            sum += left[i] * right[i];
        }
        return sum;
    }

    /**
     * {@code G[k1:, k1:] -= V W^T + W V^T} on the lower triangle, over the panel's {@code width}
     * reflectors two at a time.
     */
    private void updateTrailing(
            int k1, int width, double[][] vt, double[][] wt, EjmlParallel parallel) {
        int minChunk = n - k1 >= MIN_PARALLEL_ROWS ? MIN_PARALLEL_ROWS / 2 : Integer.MAX_VALUE;
        parallel.forBounds(
                parallel.triangleBounds(k1, n, minChunk),
                (start, end) -> {
                    for (int i = start; i < end; i++) {
                        updateRow(i, k1, width, vt, wt);
                    }
                });
    }

    private void updateRow(int i, int k1, int width, double[][] vt, double[][] wt) {
        int offset = i * n;
        int l = 0;
        for (; l + 1 < width; l += 2) {
            double[] v0 = vt[l];
            double[] w0 = wt[l];
            double[] v1 = vt[l + 1];
            double[] w1 = wt[l + 1];
            double vi0 = v0[i];
            double wi0 = w0[i];
            double vi1 = v1[i];
            double wi1 = w1[i];
            for (int k = k1; k <= i; k++) {
                a[offset + k] -= (vi0 * w0[k] + wi0 * v0[k]) + (vi1 * w1[k] + wi1 * v1[k]);
            }
        }
        for (; l < width; l++) {
            double[] v0 = vt[l];
            double[] w0 = wt[l];
            double vi0 = v0[i];
            double wi0 = w0[i];
            for (int k = k1; k <= i; k++) {
                a[offset + k] -= vi0 * w0[k] + wi0 * v0[k];
            }
        }
    }
}
