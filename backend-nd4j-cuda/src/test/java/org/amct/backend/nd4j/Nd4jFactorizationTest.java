package org.amct.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What the conformance suite does not cover: input checks and the life cycle. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Nd4jFactorizationTest {
    private static final double TOLERANCE = 1e-12;

    private ComputeBackend backend;

    @BeforeAll
    void open() {
        backend = Nd4jTestBackends.openExpected(1);
    }

    @AfterAll
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void rejectsNonFiniteElementsNamingTheElement() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            DenseMatrix a = DenseMatrix.wrap(2, 3, new double[] {1, 2, 3, 4, bad, 6});
            var e = assertThrows(IllegalArgumentException.class, () -> backend.factorize(a));
            assertTrue(e.getMessage().contains("element (1, 1)"), e.getMessage());
        }
    }

    @Test
    void factorizesADiagonalMatrixExactlyWithVectorsInDescendingOrder() {
        DenseMatrix a = DenseMatrix.wrap(3, 4, new double[] {2, 0, 0, 0, 0, -5, 0, 0, 0, 0, 3, 0});
        try (Factorization factorization = backend.factorize(a)) {
            assertArrayEquals(new double[] {5, 3, 2}, factorization.singularValues(), TOLERANCE);
            SvdResult result = factorization.truncate(2);
            double[] p = result.leftVectors().toArray();
            assertArrayEquals(
                    new double[] {0, 0, 1, 0, 0, 1},
                    new double[] {
                        Math.abs(p[0]), Math.abs(p[1]),
                        Math.abs(p[2]), Math.abs(p[3]),
                        Math.abs(p[4]), Math.abs(p[5])
                    },
                    TOLERANCE);
            double[] projection = result.projection().toArray();
            assertArrayEquals(
                    new double[] {0, 5, 0, 0, 0, 0, 3, 0},
                    new double[] {
                        Math.abs(projection[0]), Math.abs(projection[1]),
                        Math.abs(projection[2]), Math.abs(projection[3]),
                        Math.abs(projection[4]), Math.abs(projection[5]),
                        Math.abs(projection[6]), Math.abs(projection[7])
                    },
                    TOLERANCE);
        }
    }

    @Test
    void truncateAfterCloseFails() {
        Factorization factorization =
                backend.factorize(DenseMatrix.wrap(2, 2, new double[] {1, 2, 3, 4}));
        factorization.close();
        assertThrows(IllegalStateException.class, () -> factorization.truncate(1));
    }
}
