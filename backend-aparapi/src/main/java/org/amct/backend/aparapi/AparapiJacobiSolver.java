package org.amct.backend.aparapi;

import static org.amct.backend.aparapi.kernel.AparapiJacobiKernel.EPSILON;

import org.amct.backend.aparapi.kernel.AparapiJacobiKernel;
import org.amct.spi.BackendException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the parallel cyclic Jacobi eigen-solver ({@link AparapiJacobiKernel}) on a symmetric
 * {@code N x N} matrix {@code G}: sweeps run on the device; between sweeps the host reads {@code G}
 * back and checks whether every off-diagonal element is negligible, by the same criterion the
 * kernel rotates by: {@code |g_pq| <= max(eps sqrt|g_pp| sqrt|g_qq|, eps max_i g_ii)}. The relative
 * part resolves the small eigenvalues as far as the Gram matrix can; the absolute floor ({@code
 * eps} times the largest diagonal element, the accuracy {@code G} itself has) keeps the solver from
 * rotating rounding noise in the null space of a rank-deficient {@code G}. What it leaves off the
 * diagonal moves eigenvalues by at most about {@code N eps g_max} and vectors by about {@code N eps
 * g_max / gap}, within the contract of the conformance suite.
 *
 * <p>Thread-safety: as safe as the kernel it is given (not thread-safe).
 */
final class AparapiJacobiSolver {
    /** The most sweeps before giving up; parallel cyclic Jacobi needs about 10 to 15 here. */
    static final int MAX_SWEEPS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(AparapiJacobiSolver.class);

    private AparapiJacobiSolver() {}

    /**
     * Diagonalizes {@code G} in place: afterwards its diagonal holds the eigenvalues, and the
     * returned {@code V} (row-major {@code N x N}, orthogonal) holds the eigenvectors as columns,
     * column {@code i} belonging to {@code g_ii}.
     *
     * @param gram {@code G}, row-major {@code order x order}, exactly symmetric; overwritten
     * @param order {@code N}, even
     * @param jacobi the kernel, built for the device
     * @param context the matrix being factorized, for messages (for example {@code "64 x 576"})
     * @return {@code V}
     * @throws BackendException if the solver does not converge in {@value #MAX_SWEEPS} sweeps, or
     *     the kernel did not run on the device
     */
    static double[] solve(
            double[] gram,
            int order,
            AparapiPinnedKernel<AparapiJacobiKernel> jacobi,
            String context) {
        double[] vectors = identity(order);
        double largest = largestDiagonal(gram, order);
        double floor = EPSILON * largest;
        if (largest == 0.0 || isDiagonal(gram, order, floor)) {
            return vectors;
        }
        AparapiJacobiKernel kernel = jacobi.kernel();
        kernel.bind(gram, vectors, order, floor);
        boolean converged = false;
        try {
            kernel.upload();
            for (int sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
                jacobi.run(kernel.workItems(), kernel.passesPerSweep());
                kernel.downloadGram();
                if (isDiagonal(gram, order, floor)) {
                    kernel.downloadVectors();
                    LOG.debug("aparapi: Jacobi on {} converged in {} sweeps", context, sweep);
                    converged = true;
                    break;
                }
            }
        } finally {
            if (converged) {
                jacobi.freeBuffers();
            } else {
                jacobi.unbind();
            }
        }
        if (!converged) {
            throw new BackendException(
                    "Backend 'aparapi': the Jacobi eigen-solver did not converge in "
                            + MAX_SWEEPS
                            + " sweeps on the Gram matrix of the "
                            + context
                            + " matrix; the largest remaining off-diagonal ratio is "
                            + largestOffDiagonalRatio(gram, order));
        }
        return vectors;
    }

    /**
     * Whether every off-diagonal element is negligible by the kernel's criterion.
     *
     * @param gram {@code G}, row-major {@code order x order}
     * @param order {@code N}
     * @param floor the absolute floor
     * @return {@code true} if no pair would be rotated
     */
    static boolean isDiagonal(double[] gram, int order, double floor) {
        for (int p = 0; p < order; p++) {
            double rootP = Math.sqrt(Math.abs(gram[p * order + p]));
            for (int q = p + 1; q < order; q++) {
                double threshold =
                        Math.max(EPSILON * rootP * Math.sqrt(Math.abs(gram[q * order + q])), floor);
                if (Math.abs(gram[p * order + q]) > threshold) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double largestOffDiagonalRatio(double[] gram, int order) {
        double largest = 0.0;
        for (int p = 0; p < order; p++) {
            for (int q = p + 1; q < order; q++) {
                double scale =
                        Math.sqrt(Math.abs(gram[p * order + p]))
                                * Math.sqrt(Math.abs(gram[q * order + q]));
                if (scale > 0.0) {
                    largest = Math.max(largest, Math.abs(gram[p * order + q]) / scale);
                }
            }
        }
        return largest;
    }

    private static double largestDiagonal(double[] gram, int order) {
        double largest = 0.0;
        for (int i = 0; i < order; i++) {
            largest = Math.max(largest, gram[i * order + i]);
        }
        return largest;
    }

    private static double[] identity(int order) {
        double[] identity = new double[order * order];
        for (int i = 0; i < order; i++) {
            identity[i * order + i] = 1.0;
        }
        return identity;
    }
}
