package org.amct.conformance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.amct.spi.DenseMatrix;
import org.amct.spi.SvdResult;
import org.junit.jupiter.api.Test;

/** The checks fail on a wrong backend's results. */
class SvdAssertionsTest {
    private static final DenseMatrix A = TestMatrices.gaussian(6, 9, 101);

    @Test
    void rejectsUnsortedSingularValues() {
        double[] s = ReferenceSvd.of(A).singularValues();
        double first = s[0];
        s[0] = s[1];
        s[1] = first;
        AssertionError error =
                assertThrows(
                        AssertionError.class,
                        () -> SvdAssertions.assertValidSpectrum(s, A, "seed=101"));
        assertTrue(error.getMessage().contains("seed=101"), error.getMessage());
    }

    @Test
    void rejectsSingularValuesThatLoseTheFrobeniusNorm() {
        double[] s = ReferenceSvd.of(A).singularValues();
        s[s.length - 1] = 0;
        assertThrows(AssertionError.class, () -> SvdAssertions.assertValidSpectrum(s, A, "ctx"));
    }

    @Test
    void rejectsModifiedInput() {
        double[] data = A.toArray();
        DenseMatrix a = DenseMatrix.wrap(6, 9, data);
        double[] before = a.toArray();
        data[7] += 1e-12;
        assertThrows(AssertionError.class, () -> SvdAssertions.assertUnchanged(before, a, "ctx"));
    }

    @Test
    void rejectsWrongVectors() {
        ReferenceSvd svd = ReferenceSvd.of(A);
        DenseMatrix wrong = TestMatrices.orthonormalColumns(6, 3, 5);
        SvdResult result = new SvdResult(wrong, Matrices.transposeTimes(wrong, A));
        assertDoesNotThrow(() -> SvdAssertions.assertProjection(result, A, 3, "ctx"));
        assertThrows(
                AssertionError.class,
                () -> SvdAssertions.assertOptimalResidual(wrong, A, svd.singularValues(), "ctx"));
        assertThrows(
                AssertionError.class,
                () -> SvdAssertions.assertLeftVectorsMatch(wrong, svd, 9, "ctx"));
    }

    @Test
    void rejectsSpectrumOffByMoreThanTheTolerance() {
        double[] s = ReferenceSvd.of(A).singularValues();
        double[] off = s.clone();
        off[2] *= 1 + 1e-6;
        assertThrows(
                AssertionError.class,
                () -> SvdAssertions.assertSpectrumMatches(off, s, 6, 9, "ctx"));
    }
}
