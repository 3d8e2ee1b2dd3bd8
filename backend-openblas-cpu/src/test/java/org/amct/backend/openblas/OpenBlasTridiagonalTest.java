package org.amct.backend.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.bytedeco.javacpp.DoublePointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two routes to the eigenvectors of the tridiagonal form: inverse iteration for separated
 * eigenvalues, MRRR for clustered ones, each giving orthonormal eigenvectors of {@code G}.
 */
class OpenBlasTridiagonalTest {
    private static final double EPS = Math.ulp(1.0);

    @BeforeAll
    static void load() {
        OpenBlasLibrary.load().useThreads(1);
    }

    @Test
    void clusterWorkCountsSquaredRunsOfCloseEigenvalues() {
        double[] values = {0.0, 0.5, 0.5000001, 0.5000002, 0.9, 1.0};
        // wanted from index 1: {0.5, 0.5000001, 0.5000002} is one cluster, 0.9 and 1.0 alone
        assertEquals(9 + 1 + 1, OpenBlasTridiagonal.clusterWork(values, 1, 1.0));
        assertEquals(1, OpenBlasTridiagonal.clusterWork(values, 5, 1.0));
        // with a norm of 1000 every gap is under the tolerance of 1: one cluster of six
        assertEquals(36, OpenBlasTridiagonal.clusterWork(values, 0, 1000.0));
    }

    @Test
    void separatedSpectrumTakesInverseIterationAndGivesEigenvectors() {
        int n = 120;
        double[] spectrum = new double[n];
        for (int i = 0; i < n; i++) {
            spectrum[i] = 1.0 + i; // gaps of 1, norm about n: no clusters
        }
        double[] g = symmetricWithSpectrum(spectrum, 3);
        int count = 30;
        try (OpenBlasTridiagonal t = OpenBlasTridiagonal.reduce(copy(g), n, "test")) {
            double[] values = t.eigenvalues();
            try (DoublePointer vectors = t.topEigenvectors(count)) {
                assertEquals(OpenBlasTridiagonal.VectorRoute.INVERSE_ITERATION, t.vectorRoute());
                assertEigenvectors(g, n, values, vectors, count);
            }
        }
    }

    @Test
    void clusteredSpectrumTakesMrrrAndStillGivesAnOrthonormalBasis() {
        int n = 120;
        double[] spectrum = new double[n];
        for (int i = 0; i < n; i++) {
            spectrum[i] = i < n / 2 ? 1.0 : 2.0; // two clusters of 60 equal eigenvalues
        }
        double[] g = symmetricWithSpectrum(spectrum, 5);
        int count = n;
        try (OpenBlasTridiagonal t = OpenBlasTridiagonal.reduce(copy(g), n, "test")) {
            double[] values = t.eigenvalues();
            try (DoublePointer vectors = t.topEigenvectors(count)) {
                assertEquals(OpenBlasTridiagonal.VectorRoute.MRRR, t.vectorRoute());
                assertEigenvectors(g, n, values, vectors, count);
            }
        }
    }

    @Test
    void smallClustersStayOnInverseIterationWithOrthogonalVectors() {
        int n = 200;
        double[] spectrum = new double[n];
        for (int i = 0; i < n; i++) {
            // pairs of equal eigenvalues: clusters of 2, work 4 per 2 vectors
            spectrum[i] = 1.0 + (i / 2);
        }
        double[] g = symmetricWithSpectrum(spectrum, 11);
        int count = 60;
        try (OpenBlasTridiagonal t = OpenBlasTridiagonal.reduce(copy(g), n, "test")) {
            double[] values = t.eigenvalues();
            try (DoublePointer vectors = t.topEigenvectors(count)) {
                assertEquals(OpenBlasTridiagonal.VectorRoute.INVERSE_ITERATION, t.vectorRoute());
                assertEigenvectors(g, n, values, vectors, count);
            }
        }
    }

    @Test
    void splitPointsFallOnlyAtGapsBetweenClustersAndLeaveEnoughVectorsPerPart() {
        int min = OpenBlasTridiagonal.MIN_PART;
        double[] values = new double[4 * min];
        for (int i = 0; i < values.length; i++) {
            // one cluster of equal values straddles the middle: [min + 4, 3 min)
            values[i] = i < min + 4 ? i : i < 3 * min ? min + 4 : i;
        }
        // wanted from index 0, norm 1: tolerance 1e-3, every gap of 1 separates
        int[] starts = OpenBlasTridiagonal.splitPoints(values, 0, 1.0, 2);
        assertEquals(2, starts.length);
        assertEquals(0, starts[0]);
        // the even split (2 min) is inside the cluster: the nearest gap is at its start
        assertEquals(min + 4, starts[1]);
        assertEquals(1, OpenBlasTridiagonal.splitPoints(values, 0, 1.0, 1).length);
        // too few vectors for two parts of MIN_PART
        assertEquals(
                1, OpenBlasTridiagonal.splitPoints(values, values.length - min, 1.0, 2).length);
        // one cluster only (every gap under the tolerance): no split
        assertEquals(1, OpenBlasTridiagonal.splitPoints(values, 0, 1e6, 2).length);
    }

    @Test
    void inverseIterationSplitOverThreadsGivesTheSameEigenvectorsAsOneCall() {
        int n = 300;
        double[] spectrum = new double[n];
        for (int i = 0; i < n; i++) {
            spectrum[i] = 1.0 + i + (i % 7 == 0 ? 0.0 : 1e-9 * i); // some near-equal neighbours
        }
        double[] g = symmetricWithSpectrum(spectrum, 13);
        int count = 160;
        double[] single = new double[n * count];
        try (OpenBlasTridiagonal t = OpenBlasTridiagonal.reduce(copy(g), n, "test", 1)) {
            t.eigenvalues();
            try (DoublePointer vectors = t.topEigenvectors(count)) {
                vectors.get(single);
            }
        }
        for (int parallelism : new int[] {2, 3}) {
            try (OpenBlasTridiagonal t =
                    OpenBlasTridiagonal.reduce(copy(g), n, "test", parallelism)) {
                double[] values = t.eigenvalues();
                assertTrue(
                        OpenBlasTridiagonal.splitPoints(values, n - count, n + 1.0, parallelism)
                                        .length
                                > 1,
                        "the spectrum must be split for this test");
                try (DoublePointer vectors = t.topEigenvectors(count)) {
                    assertEquals(
                            OpenBlasTridiagonal.VectorRoute.INVERSE_ITERATION, t.vectorRoute());
                    assertEigenvectors(g, n, values, vectors, count);
                    double[] split = new double[n * count];
                    vectors.get(split);
                    for (int k = 0; k < count; k++) {
                        double dot = 0;
                        for (int i = 0; i < n; i++) {
                            dot += single[k * n + i] * split[k * n + i];
                        }
                        assertEquals(1.0, Math.abs(dot), 1e-9, "vector " + k);
                    }
                }
            }
        }
    }

    /**
     * The grouped back-transformation gives what {@code dormtr} gives, for groups that divide the
     * reflectors and groups that leave a partial one, down to one reflector per group and to {@code
     * n = 1, 2}.
     */
    @Test
    void groupedReflectorsApplyTheSameQAsDormtr() {
        Random random = new Random(23);
        for (int n : new int[] {1, 2, 3, 130, 257}) {
            double[] x = new double[n * n];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextGaussian();
            }
            double[] g = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double sum = 0;
                    for (int k = 0; k < n; k++) {
                        sum += x[k * n + i] * x[k * n + j];
                    }
                    g[j * n + i] = sum; // lower triangle, column-major
                }
            }
            int count = Math.max(1, n / 3);
            double[] c = new double[n * count];
            for (int i = 0; i < c.length; i++) {
                c[i] = random.nextGaussian();
            }
            try (DoublePointer a = copy(g);
                    DoublePointer d = OpenBlasBuffers.allocate(n);
                    DoublePointer e = OpenBlasBuffers.allocate(n);
                    DoublePointer tau = OpenBlasBuffers.allocate(n);
                    DoublePointer expected = copy(c)) {
                assertEquals(
                        0,
                        org.bytedeco.openblas.global.openblas.LAPACKE_dsytrd(
                                org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR,
                                (byte) 'L',
                                n,
                                a,
                                n,
                                d,
                                e,
                                tau));
                assertEquals(
                        0,
                        org.bytedeco.openblas.global.openblas.LAPACKE_dormtr(
                                org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR,
                                (byte) 'L',
                                (byte) 'L',
                                (byte) 'N',
                                n,
                                count,
                                a,
                                n,
                                tau,
                                expected,
                                n));
                double[] want = new double[n * count];
                expected.get(want);
                for (int block : new int[] {1, 7, 64, OpenBlasTridiagonal.Q_BLOCK}) {
                    try (DoublePointer got = copy(c)) {
                        OpenBlasTridiagonal.applyQ(a, tau, n, got, count, block);
                        double[] have = new double[n * count];
                        got.get(have);
                        for (int i = 0; i < have.length; i++) {
                            assertTrue(
                                    Math.abs(have[i] - want[i]) <= 64 * n * EPS,
                                    "n="
                                            + n
                                            + " block="
                                            + block
                                            + " element "
                                            + i
                                            + ": "
                                            + have[i]
                                            + " against dormtr's "
                                            + want[i]);
                        }
                    }
                }
            }
        }
    }

    /** Orthonormal columns, and {@code G z_k = lambda z_k} for the top {@code count} values. */
    private static void assertEigenvectors(
            double[] g, int n, double[] ascending, DoublePointer vectors, int count) {
        double[] z = new double[n * count];
        vectors.get(z);
        double norm = Math.abs(ascending[n - 1]);
        double tolerance = 64 * n * EPS;
        for (int a = 0; a < count; a++) {
            for (int b = 0; b <= a; b++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += z[a * n + i] * z[b * n + i];
                }
                double expected = a == b ? 1.0 : 0.0;
                assertTrue(
                        Math.abs(dot - expected) <= tolerance,
                        "z_" + a + " . z_" + b + " = " + dot);
            }
            double lambda = ascending[n - count + a];
            double residual = 0;
            for (int i = 0; i < n; i++) {
                double gz = 0;
                for (int j = 0; j < n; j++) {
                    gz += g[j * n + i] * z[a * n + j];
                }
                double r = gz - lambda * z[a * n + i];
                residual += r * r;
            }
            assertTrue(
                    Math.sqrt(residual) <= tolerance * norm,
                    "residual of eigenpair " + a + ": " + Math.sqrt(residual));
        }
    }

    /** {@code Q diag(spectrum) Q^T} for a random orthogonal {@code Q}, column-major. */
    private static double[] symmetricWithSpectrum(double[] spectrum, long seed) {
        int n = spectrum.length;
        double[] q = new double[n * n];
        Random random = new Random(seed);
        for (int i = 0; i < q.length; i++) {
            q[i] = random.nextGaussian();
        }
        // Gram-Schmidt on the columns, twice for orthogonality to working precision
        for (int pass = 0; pass < 2; pass++) {
            for (int c = 0; c < n; c++) {
                for (int p = 0; p < c; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[c * n + i] * q[p * n + i];
                    }
                    for (int i = 0; i < n; i++) {
                        q[c * n + i] -= dot * q[p * n + i];
                    }
                }
                double length = 0;
                for (int i = 0; i < n; i++) {
                    length += q[c * n + i] * q[c * n + i];
                }
                length = Math.sqrt(length);
                for (int i = 0; i < n; i++) {
                    q[c * n + i] /= length;
                }
            }
        }
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += q[k * n + i] * spectrum[k] * q[k * n + j];
                }
                g[j * n + i] = sum;
            }
        }
        return g;
    }

    private static DoublePointer copy(double[] values) {
        DoublePointer pointer = OpenBlasBuffers.allocate(values.length);
        pointer.put(values);
        return pointer;
    }
}
