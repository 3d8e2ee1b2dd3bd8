package org.amct.backend.nd4j;

import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;

/**
 * A small factorization run once before the backend is offered, because ND4J's bundled native BLAS
 * (OpenBLAS 0.3.19) picks its kernels from the CPU it finds and some of those kernels compute wrong
 * results: on Intel processors with AVX-512 FP16 (Sapphire Rapids and later) its left singular
 * vectors came out orthonormal to only 2e-6 instead of 1e-13 (measured on the 192 x 288 reference
 * fixture). A backend that computes wrong factors must not be chosen silently, so the probe reports
 * it unavailable (and forcing it fails) with this check's finding and the remedy.
 *
 * <p>The check factorizes a fixed pseudo-random 192 x 288 matrix (the shape of a 96x64x3x3 layer)
 * and measures the largest element of {@code P^T P - I} at rank 32. Cost: a few milliseconds.
 */
final class Nd4jSelfCheck {
    static final int ROWS = 192;
    static final int COLS = 288;
    static final int RANK = 32;

    /**
     * Largest deviation from orthonormality accepted: 1000 times float64 eps times the row count
     * (about 4e-11), far above what a correct solver leaves (about 1e-14 here) and far below what
     * the broken kernels give.
     */
    static final double TOLERANCE = 1000 * Math.ulp(1.0) * ROWS;

    private Nd4jSelfCheck() {}

    /**
     * Runs the check.
     *
     * @param factorizer factorizes a matrix the way the backend will
     * @return empty when the factors are orthonormal; otherwise the reason the backend must not run
     */
    static Optional<String> run(Function<DenseMatrix, Factorization> factorizer) {
        double deviation = deviation(factorizer);
        if (deviation <= TOLERANCE) {
            return Optional.empty();
        }
        return Optional.of(failure(deviation));
    }

    static String failure(double deviation) {
        return String.format(
                "ND4J's self-check failed: the left singular vectors of a %dx%d test matrix are"
                        + " orthonormal only to %.3g (expected at most %.3g); ND4J's bundled"
                        + " OpenBLAS computes wrong results on this CPU. Set OPENBLAS_CORETYPE=Haswell"
                        + " in the environment (it selects kernels that are correct here), or use"
                        + " another backend",
                ROWS, COLS, deviation, TOLERANCE);
    }

    private static double deviation(Function<DenseMatrix, Factorization> factorizer) {
        try (Factorization factorization = factorizer.apply(testMatrix())) {
            SvdResult truncated = factorization.truncate(RANK);
            DenseMatrix p = truncated.leftVectors();
            double worst = 0;
            for (int i = 0; i < RANK; i++) {
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int k = 0; k < ROWS; k++) {
                        dot += p.get(k, i) * p.get(k, j);
                    }
                    worst = Math.max(worst, Math.abs(dot - (i == j ? 1 : 0)));
                }
            }
            return Double.isNaN(worst) ? Double.POSITIVE_INFINITY : worst;
        }
    }

    private static DenseMatrix testMatrix() {
        Random random = new Random(20261202L);
        double[] data = new double[ROWS * COLS];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextGaussian();
        }
        return DenseMatrix.wrap(ROWS, COLS, data);
    }
}
