package org.amct.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;
import org.junit.jupiter.api.Test;

/** The accuracy self-check accepts orthonormal factors and refuses others, naming the remedy. */
class Nd4jSelfCheckTest {
    @Test
    void acceptsOrthonormalFactors() {
        assertEquals(Optional.empty(), Nd4jSelfCheck.run(a -> fixed(identityColumns(0))));
    }

    @Test
    void refusesFactorsThatAreNotOrthonormal() {
        Optional<String> reason = Nd4jSelfCheck.run(a -> fixed(identityColumns(1e-6)));
        assertTrue(reason.isPresent());
        assertTrue(reason.get().contains("OPENBLAS_CORETYPE=Haswell"), reason.get());
        assertTrue(reason.get().contains("192x288"), reason.get());
    }

    @Test
    void refusesNaNFactors() {
        assertTrue(Nd4jSelfCheck.run(a -> fixed(identityColumns(Double.NaN))).isPresent());
    }

    @Test
    void realNd4jPassesWithTheKernelsTheBuildSelects() {
        // The build runs this module's tests with OPENBLAS_CORETYPE=Haswell (see the POM).
        assertEquals(
                Optional.empty(), Nd4jSelfCheck.run(a -> Nd4jFactorization.compute(a, () -> {})));
    }

    /** The first RANK columns of the identity, with {@code error} added to one element. */
    private static DenseMatrix identityColumns(double error) {
        int rows = Nd4jSelfCheck.ROWS;
        int rank = Nd4jSelfCheck.RANK;
        double[] p = new double[rows * rank];
        for (int i = 0; i < rank; i++) {
            p[i * rank + i] = 1;
        }
        p[rank + 0] += error; // row 1, column 0: columns 0 and 1 no longer orthogonal
        return DenseMatrix.wrap(rows, rank, p);
    }

    private static Factorization fixed(DenseMatrix p) {
        int rank = Nd4jSelfCheck.RANK;
        return new Factorization() {
            @Override
            public double[] singularValues() {
                return new double[Nd4jSelfCheck.ROWS];
            }

            @Override
            public SvdResult truncate(int r) {
                return new SvdResult(
                        p,
                        DenseMatrix.wrap(
                                rank, Nd4jSelfCheck.COLS, new double[rank * Nd4jSelfCheck.COLS]));
            }

            @Override
            public void close() {}
        };
    }
}
