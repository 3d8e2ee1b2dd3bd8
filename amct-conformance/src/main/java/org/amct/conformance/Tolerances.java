package org.amct.conformance;

/**
 * The numeric tolerances of the backend contract, relative and scaled by the problem size, in one
 * place so that every module's tests use the same ones.
 *
 * <p>A backend may go through the Gram matrix {@code A A^T}, which squares the condition number, so
 * singular values are compared on their squares: {@code |s_i^2 - ref_i^2| <= C * size * eps *
 * s_max^2}, where {@code size} is the larger dimension of {@code A} (the length of the dot products
 * that form the Gram matrix, {@code >= n}). Singular vectors are compared only where the gap
 * between neighbouring squared singular values is at least {@link #MIN_RELATIVE_GAP} of {@code
 * s_max^2}, with a tolerance inversely proportional to that gap.
 *
 * <p>All methods are pure functions; the class is thread-safe.
 */
public final class Tolerances {
    /** The machine epsilon of float64, {@code 2^-52}. */
    public static final double EPS = Math.ulp(1.0);

    /** {@code C} in {@code |s_i^2 - ref_i^2| <= C * size * eps * s_max^2}. */
    public static final double SINGULAR_VALUE_SQUARES_FACTOR = 8.0;

    /** {@code C} in {@code |sum(s^2) - ||A||_F^2| <= C * size * eps * ||A||_F^2}. */
    public static final double FROBENIUS_SQUARES_FACTOR = 8.0;

    /** {@code C} in {@code max |P^T P - I| <= C * size * eps}. */
    public static final double ORTHONORMALITY_FACTOR = 8.0;

    /** {@code C} in {@code ||projection - P^T A||_F <= C * size * eps * ||A||_F}. */
    public static final double PROJECTION_FACTOR = 8.0;

    /**
     * {@code C} in {@code | ||A - P P^T A||_F^2 - sum(s[r:]^2) | <= C * size * eps * ||A||_F^2}.
     */
    public static final double RESIDUAL_SQUARES_FACTOR = 8.0;

    /** {@code C} in {@code ||p_i -+ u_i|| <= C * size * eps * s_max^2 / gap_i}. */
    public static final double VECTOR_FACTOR = 8.0;

    /**
     * Singular vectors are compared only where {@code gap_i / s_max^2} is at least this, {@code
     * gap_i} being the distance from {@code s_i^2} to its neighbours' squares.
     */
    public static final double MIN_RELATIVE_GAP = 1e-3;

    private Tolerances() {}

    /**
     * The size that tolerances scale with: the larger dimension of the matrix.
     *
     * @param rows {@code n}
     * @param cols {@code m}
     * @return {@code max(rows, cols, 1)}
     */
    public static int size(int rows, int cols) {
        return Math.max(1, Math.max(rows, cols));
    }

    /**
     * The largest allowed difference between the square of a singular value and the square of its
     * reference value.
     *
     * @param rows {@code n}
     * @param cols {@code m}
     * @param maxSingularValue {@code s_max}, the largest reference singular value
     * @return {@code SINGULAR_VALUE_SQUARES_FACTOR * size * eps * s_max^2}
     */
    public static double singularValueSquares(int rows, int cols, double maxSingularValue) {
        return SINGULAR_VALUE_SQUARES_FACTOR
                * size(rows, cols)
                * EPS
                * maxSingularValue
                * maxSingularValue;
    }

    /**
     * The largest allowed difference between {@code sum(s^2)} and {@code ||A||_F^2}.
     *
     * @param rows {@code n}
     * @param cols {@code m}
     * @param frobeniusSquared {@code ||A||_F^2}
     * @return {@code FROBENIUS_SQUARES_FACTOR * size * eps * ||A||_F^2}
     */
    public static double frobeniusSquares(int rows, int cols, double frobeniusSquared) {
        return FROBENIUS_SQUARES_FACTOR * size(rows, cols) * EPS * frobeniusSquared;
    }

    /**
     * The largest allowed entry of {@code |P^T P - I|}.
     *
     * @param rows {@code n}
     * @param cols {@code m}
     * @return {@code ORTHONORMALITY_FACTOR * size * eps}
     */
    public static double orthonormality(int rows, int cols) {
        return ORTHONORMALITY_FACTOR * size(rows, cols) * EPS;
    }

    /**
     * The largest allowed Frobenius norm of {@code projection - P^T A}.
     *
     * @param rows {@code n}
     * @param cols {@code m}
     * @param frobenius {@code ||A||_F}
     * @return {@code PROJECTION_FACTOR * size * eps * ||A||_F}
     */
    public static double projection(int rows, int cols, double frobenius) {
        return PROJECTION_FACTOR * size(rows, cols) * EPS * frobenius;
    }

    /**
     * The largest allowed difference between {@code ||A - P P^T A||_F^2} and {@code sum(s[r:]^2)}
     * (Eckart-Young).
     *
     * @param rows {@code n}
     * @param cols {@code m}
     * @param frobeniusSquared {@code ||A||_F^2}
     * @return {@code RESIDUAL_SQUARES_FACTOR * size * eps * ||A||_F^2}
     */
    public static double residualSquares(int rows, int cols, double frobeniusSquared) {
        return RESIDUAL_SQUARES_FACTOR * size(rows, cols) * EPS * frobeniusSquared;
    }

    /**
     * Whether a singular vector is separated enough from its neighbours to be compared.
     *
     * @param gapSquared the distance from {@code s_i^2} to the nearest other {@code s_j^2}
     * @param maxSingularValue {@code s_max}
     * @return {@code true} if {@code gapSquared >= MIN_RELATIVE_GAP * s_max^2}
     */
    public static boolean isSeparated(double gapSquared, double maxSingularValue) {
        return gapSquared >= MIN_RELATIVE_GAP * maxSingularValue * maxSingularValue;
    }

    /**
     * The largest allowed Euclidean distance between a unit singular vector and its reference,
     * after aligning their signs.
     *
     * @param rows {@code n}
     * @param cols {@code m}
     * @param maxSingularValue {@code s_max}
     * @param gapSquared the distance from {@code s_i^2} to the nearest other {@code s_j^2}, {@code
     *     > 0}
     * @return {@code VECTOR_FACTOR * size * eps * s_max^2 / gapSquared}
     */
    public static double vector(int rows, int cols, double maxSingularValue, double gapSquared) {
        return VECTOR_FACTOR
                * size(rows, cols)
                * EPS
                * maxSingularValue
                * maxSingularValue
                / gapSquared;
    }
}
