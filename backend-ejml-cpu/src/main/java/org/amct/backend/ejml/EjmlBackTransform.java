package org.amct.backend.ejml;

/**
 * Turns eigenvectors {@code z} of the tridiagonal {@code T} into eigenvectors {@code Q z} of the
 * Gram matrix, applying the reflectors {@code H_{n-2}, ..., H_0} left by {@link
 * EjmlTridiagonalizer}. Vectors are processed in groups of {@link #GROUP} so each reflector is read
 * once per group while the group stays in cache; groups run on the backend's pool. Stateless.
 */
final class EjmlBackTransform {
    /** Vectors transformed together: {@code 8 * n} doubles stay in the L2 cache. */
    static final int GROUP = 8;

    private EjmlBackTransform() {}

    /** Overwrites each row of {@code vectors} (length {@code n}) with {@code Q} times it. */
    static void apply(
            double[] reflectors, double[] taus, int n, double[][] vectors, EjmlParallel parallel) {
        int groups = (vectors.length + GROUP - 1) / GROUP;
        int[] bounds = new int[groups + 1];
        for (int g = 0; g <= groups; g++) {
            bounds[g] = Math.min(vectors.length, g * GROUP);
        }
        parallel.forBounds(
                bounds,
                (from, to) -> {
                    for (int c = n - 2; c >= 0; c--) {
                        if (taus[c] != 0) {
                            reflect(reflectors, c * n, c + 1, n, taus[c], vectors, from, to);
                        }
                    }
                });
    }

    /** {@code z -= tau v (v . z)} for rows {@code from..to} of {@code vectors}. */
    private static void reflect(
            double[] reflectors,
            int offset,
            int start,
            int n,
            double tau,
            double[][] vectors,
            int from,
            int to) {
        for (int k = from; k < to; k++) {
            double[] z = vectors[k];
            double factor = tau * dot(reflectors, offset, z, start, n);
            for (int i = start; i < n; i++) {
                z[i] -= factor * reflectors[offset + i];
            }
        }
    }

    /** {@code sum_{i >= start} reflectors[offset + i] * z[i]}, with four partial sums for speed. */
    private static double dot(double[] reflectors, int offset, double[] z, int start, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = start;
        for (; i + 3 < n; i += 4) {
            s0 += reflectors[offset + i] * z[i];
            s1 += reflectors[offset + i + 1] * z[i + 1];
            s2 += reflectors[offset + i + 2] * z[i + 2];
            s3 += reflectors[offset + i + 3] * z[i + 3];
        }
        for (; i < n; i++) {
            s0 += reflectors[offset + i] * z[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
