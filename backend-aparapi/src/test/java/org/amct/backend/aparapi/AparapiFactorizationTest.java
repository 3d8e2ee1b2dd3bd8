package org.amct.backend.aparapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour of the Aparapi backend beyond the shared contract, on this machine's device. */
class AparapiFactorizationTest {
    private static ComputeBackend backend;

    @BeforeAll
    static void open() {
        backend = AparapiTestDevices.openIfAvailable().orElse(null);
    }

    @BeforeEach
    void skipWithoutDevice() {
        AparapiTestDevices.requireDevice();
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void reportsTheDeviceItComputesOn() {
        assertEquals("aparapi", backend.id().value());
        assertTrue(backend.device().startsWith("OpenCL "), backend.device());
        assertTrue(backend.device().endsWith("float64"), backend.device());
    }

    @Test
    void oddRowCountIsPaddedWithoutAnExtraSingularValue() {
        double[] spectrum = {9, 4, 1};
        DenseMatrix a = diagonal(spectrum, 5);
        try (Factorization f = backend.factorize(a)) {
            assertArrayEquals(spectrum, f.singularValues(), 1e-14 * 9);
            SvdResult result = f.truncate(3);
            assertEquals(3, result.leftVectors().rows());
            for (int k = 0; k < 3; k++) {
                assertEquals(1.0, Math.abs(result.leftVectors().get(k, k)), 1e-14);
            }
        }
    }

    @Test
    void truncatingTwiceGivesTheSameFactors() {
        DenseMatrix a = gaussian(25, 40, 6);
        try (Factorization f = backend.factorize(a)) {
            SvdResult first = f.truncate(5);
            f.truncate(25);
            SvdResult again = f.truncate(5);
            assertEquals(first.leftVectors(), again.leftVectors());
            assertEquals(first.projection(), again.projection());
        }
    }

    @Test
    void twoOpenFactorizationsDoNotDisturbEachOther() {
        DenseMatrix first = gaussian(12, 20, 7);
        DenseMatrix second = gaussian(9, 30, 8);
        try (Factorization f = backend.factorize(first);
                Factorization g = backend.factorize(second)) {
            SvdResult alone;
            try (Factorization again = backend.factorize(first)) {
                alone = again.truncate(4);
            }
            g.truncate(3);
            assertEquals(alone.projection(), f.truncate(4).projection());
        }
    }

    @Test
    void rejectsNonFiniteElementsNamingTheirPosition() {
        for (double bad : new double[] {Double.NaN, Double.NEGATIVE_INFINITY}) {
            double[] data = new double[12];
            data[7] = bad;
            DenseMatrix a = DenseMatrix.wrap(3, 4, data);
            var e = assertThrows(IllegalArgumentException.class, () -> backend.factorize(a));
            assertTrue(e.getMessage().contains("(1, 3)"), e.getMessage());
        }
    }

    @Test
    void closedFactorizationRefusesToTruncateButKeepsItsSpectrum() {
        Factorization f = backend.factorize(gaussian(4, 6, 11));
        f.close();
        assertThrows(IllegalStateException.class, () -> f.truncate(1));
        assertEquals(4, f.singularValues().length);
    }

    private static DenseMatrix diagonal(double[] values, int cols) {
        double[] data = new double[values.length * cols];
        for (int i = 0; i < values.length; i++) {
            data[i * cols + i] = values[i];
        }
        return DenseMatrix.wrap(values.length, cols, data);
    }

    private static DenseMatrix gaussian(int rows, int cols, long seed) {
        Random random = new Random(seed);
        double[] data = new double[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextGaussian();
        }
        return DenseMatrix.wrap(rows, cols, data);
    }
}
