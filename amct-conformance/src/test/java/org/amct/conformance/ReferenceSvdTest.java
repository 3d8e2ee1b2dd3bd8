package org.amct.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.amct.spi.DenseMatrix;
import org.junit.jupiter.api.Test;

class ReferenceSvdTest {
    @Test
    void recoversPrescribedSingularValuesToHighRelativeAccuracy() {
        double[] exact = {1e3, 10, 1, 1e-3, 1e-6, 1e-9};
        DenseMatrix a = TestMatrices.withSingularValues(exact, 8, 3);
        double[] s = ReferenceSvd.of(a).singularValues();
        for (int i = 0; i < exact.length; i++) {
            // One-sided Jacobi keeps relative accuracy on A, up to the accuracy of A itself.
            assertEquals(exact[i], s[i], 1e3 * 64 * Tolerances.EPS, "s[" + i + "]");
        }
    }

    @Test
    void leftVectorsReconstructTheMatrix() {
        DenseMatrix a = TestMatrices.gaussian(7, 11, 4);
        ReferenceSvd svd = ReferenceSvd.of(a);
        DenseMatrix u = svd.leftVectors();
        SvdAssertions.assertOrthonormalColumns(u, 7, 11, "U");
        DenseMatrix back = Matrices.times(u, Matrices.transposeTimes(u, a));
        assertArrayEquals(a.toArray(), back.toArray(), 64 * Tolerances.EPS * 10);
    }

    @Test
    void rejectsTallMatrix() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ReferenceSvd.of(TestMatrices.gaussian(3, 2, 1)));
    }
}
