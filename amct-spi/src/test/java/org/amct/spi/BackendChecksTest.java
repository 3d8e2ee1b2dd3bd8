package org.amct.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendChecksTest {
    private static final BackendId ID = BackendId.of("demo");

    @Test
    void shapeNeedsOneToMRows() {
        DenseMatrix ok = DenseMatrix.wrap(2, 3, new double[6]);
        assertSame(ok, BackendChecks.requireFactorizable(ID, ok));
        IllegalArgumentException tall =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                BackendChecks.requireFactorizable(
                                        ID, DenseMatrix.wrap(3, 2, new double[6])));
        assertEquals(
                "Backend 'demo': factorize needs an n x m matrix with 1 <= n <= m, got 3 x 2",
                tall.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> BackendChecks.requireFactorizable(ID, DenseMatrix.wrap(0, 4, new double[0])));
        assertThrows(NullPointerException.class, () -> BackendChecks.requireFactorizable(ID, null));
    }

    @Test
    void finiteCheckNamesTheFirstBadElementAndReturnsTheLargestMagnitude() {
        DenseMatrix a = DenseMatrix.wrap(2, 3, new double[] {1, -7.5, 3, 4, 5, 6});
        assertEquals(7.5, BackendChecks.requireFinite(ID, a));
        assertEquals(0.0, BackendChecks.requireFinite(ID, DenseMatrix.wrap(1, 2, new double[2])));
        DenseMatrix bad =
                DenseMatrix.wrap(
                        2, 3, new double[] {1, 2, 3, 4, Double.NEGATIVE_INFINITY, Double.NaN});
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> BackendChecks.requireFinite(ID, bad));
        assertEquals(
                "Backend 'demo': only finite matrices can be factorized, got -Infinity at element"
                        + " (1, 1) of the 2 x 3 matrix",
                e.getMessage());
    }

    @Test
    void scalingIsByAnExactPowerOfTwo() {
        assertEquals(0, BackendChecks.scaleExponent(0.0));
        assertEquals(0, BackendChecks.scaleExponent(1.0));
        assertEquals(0, BackendChecks.scaleExponent(1.99));
        assertEquals(1, BackendChecks.scaleExponent(2.0));
        assertEquals(-1, BackendChecks.scaleExponent(0.75));
        assertEquals(1023, BackendChecks.scaleExponent(Double.MAX_VALUE));
        assertEquals(Double.MIN_EXPONENT, BackendChecks.scaleExponent(Double.MIN_NORMAL));
        // Subnormal: clamped so that 2^-e is still a double.
        assertEquals(Double.MIN_EXPONENT, BackendChecks.scaleExponent(Double.MIN_VALUE));
        double max = 3e-300;
        int e = BackendChecks.scaleExponent(max);
        double scaled = Math.scalb(max, -e);
        assertEquals(max, Math.scalb(scaled, e), "the scaling is exact");
        assertTrue(scaled >= 1 && scaled < 2, "scaled maximum " + scaled + " is in [1, 2)");
        assertThrows(IllegalArgumentException.class, () -> BackendChecks.scaleExponent(-1.0));
        assertThrows(IllegalArgumentException.class, () -> BackendChecks.scaleExponent(Double.NaN));
        assertThrows(
                IllegalArgumentException.class,
                () -> BackendChecks.scaleExponent(Double.POSITIVE_INFINITY));
    }

    @Test
    void scalingWithASafeBandLeavesOrdinaryMatricesAlone() {
        assertEquals(0, BackendChecks.scaleExponent(1e10, 256));
        assertEquals(0, BackendChecks.scaleExponent(Math.scalb(1.0, 256), 256));
        assertEquals(257, BackendChecks.scaleExponent(Math.scalb(1.0, 257), 256));
        assertEquals(-300, BackendChecks.scaleExponent(Math.scalb(1.0, -300), 256));
        assertThrows(IllegalArgumentException.class, () -> BackendChecks.scaleExponent(1.0, -1));
    }

    @Test
    void rankIsOneToN() {
        BackendChecks.requireRank(ID, 1, 3, 5);
        BackendChecks.requireRank(ID, 3, 3, 5);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> BackendChecks.requireRank(ID, 4, 3, 5));
        assertEquals(
                "Backend 'demo': rank must be in [1, 3] for a 3 x 5 matrix, got 4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BackendChecks.requireRank(ID, 0, 3, 5));
    }

    @Test
    void closedStateIsRefusedWithWhatToDo() {
        BackendChecks.requireBackendOpen(ID, false);
        BackendChecks.requireFactorizationOpen(ID, false);
        assertEquals(
                "Backend 'demo': the backend is closed; open a new one",
                assertThrows(
                                IllegalStateException.class,
                                () -> BackendChecks.requireBackendOpen(ID, true))
                        .getMessage());
        assertEquals(
                "Backend 'demo': this factorization is closed; factorize the matrix again",
                assertThrows(
                                IllegalStateException.class,
                                () -> BackendChecks.requireFactorizationOpen(ID, true))
                        .getMessage());
    }
}
