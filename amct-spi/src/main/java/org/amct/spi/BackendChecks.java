package org.amct.spi;

import java.util.Objects;

/**
 * The argument and state checks every backend makes, in one message shape: {@code "Backend '<id>':
 * <what is required>, got <what was given>"} for arguments, {@code "Backend '<id>': <what is
 * closed>; <what to do>"} for state. Backends call these at the top of {@link
 * ComputeBackend#factorize} and {@link Factorization#truncate} instead of re-typing them, so that a
 * user reads the same sentence whichever backend ran. Stateless and thread-safe.
 */
public final class BackendChecks {
    private BackendChecks() {}

    /**
     * Checks the shape {@link ComputeBackend#factorize} accepts: {@code 1 <= n <= m}.
     *
     * @param id the backend, for the message
     * @param a the matrix
     * @return {@code a}
     * @throws NullPointerException if {@code a} is null
     * @throws IllegalArgumentException if {@code n == 0} or {@code n > m}
     */
    public static DenseMatrix requireFactorizable(BackendId id, DenseMatrix a) {
        Objects.requireNonNull(a, "a");
        if (a.rows() == 0 || a.rows() > a.cols()) {
            throw new IllegalArgumentException(
                    prefix(id)
                            + "factorize needs an n x m matrix with 1 <= n <= m, got "
                            + a.rows()
                            + " x "
                            + a.cols());
        }
        return a;
    }

    /**
     * Checks the shape {@link ComputeBackend#factorize(MatrixSource)} accepts: {@code 1 <= n <= m}.
     *
     * @param id the backend, for the message
     * @param a the matrix
     * @return {@code a}
     * @throws NullPointerException if {@code a} is null
     * @throws IllegalArgumentException if {@code n == 0} or {@code n > m}
     */
    public static MatrixSource requireFactorizable(BackendId id, MatrixSource a) {
        Objects.requireNonNull(a, "a");
        if (a instanceof DenseMatrix dense) {
            return requireFactorizable(id, dense);
        }
        if (a.rows() == 0 || a.rows() > a.cols()) {
            throw new IllegalArgumentException(
                    prefix(id)
                            + "factorize needs an n x m matrix with 1 <= n <= m, got "
                            + a.rows()
                            + " x "
                            + a.cols());
        }
        return a;
    }

    /**
     * Checks that every element of a streamed matrix is finite and finds the largest magnitude,
     * from {@link MatrixSource#maxAbs()}; only when that is not finite are the blocks read again to
     * name the first bad element, in the message {@link #requireFinite(BackendId, DenseMatrix)}
     * gives.
     *
     * @param id the backend, for the message
     * @param a the matrix; only read
     * @return {@code max |a_ij|}, 0 for an all-zero or empty matrix
     * @throws IllegalArgumentException naming the first NaN or infinite element's row and column
     */
    public static double requireFinite(BackendId id, MatrixSource a) {
        if (a instanceof DenseMatrix dense) {
            return requireFinite(id, dense);
        }
        double max = a.maxAbs();
        if (max <= Double.MAX_VALUE) {
            return max;
        }
        int rows = a.rows();
        int cols = a.cols();
        int width = (int) Math.max(1, Math.min(cols, (1L << 20) / Math.max(1, rows)));
        double[] block = new double[rows * width];
        long first = Long.MAX_VALUE;
        double value = max;
        for (int start = 0; start < cols; start += width) {
            int count = Math.min(width, cols - start);
            a.readColumns(start, count, block);
            for (int i = 0; i < rows * count; i++) {
                long index = (long) (i / count) * cols + start + i % count;
                if (!Double.isFinite(block[i]) && index < first) {
                    first = index;
                    value = block[i];
                }
            }
        }
        throw new IllegalArgumentException(
                prefix(id)
                        + "only finite matrices can be factorized, got "
                        + value
                        + " at element ("
                        + first / cols
                        + ", "
                        + first % cols
                        + ") of the "
                        + rows
                        + " x "
                        + cols
                        + " matrix");
    }

    /**
     * Checks that every element is finite, and finds the largest magnitude (for the scaling).
     *
     * @param id the backend, for the message
     * @param a the matrix; only read
     * @return {@code max |a_ij|}, 0 for an all-zero or empty matrix
     * @throws IllegalArgumentException naming the first NaN or infinite element's row and column
     */
    public static double requireFinite(BackendId id, DenseMatrix a) {
        double[] data = a.backingArray();
        double max = 0.0;
        for (int i = 0; i < data.length; i++) {
            double magnitude = Math.abs(data[i]);
            if (!(magnitude <= Double.MAX_VALUE)) {
                throw new IllegalArgumentException(
                        prefix(id)
                                + "only finite matrices can be factorized, got "
                                + data[i]
                                + " at element ("
                                + i / a.cols()
                                + ", "
                                + i % a.cols()
                                + ") of the "
                                + a.rows()
                                + " x "
                                + a.cols()
                                + " matrix");
            }
            max = Math.max(max, magnitude);
        }
        return max;
    }

    /**
     * The exponent {@code e} of the power of two a matrix is divided by before its Gram matrix is
     * formed (exact, so the scaling adds no rounding): that of its largest magnitude, at least
     * {@link Double#MIN_EXPONENT} so that {@code 2^-e} is a normal double; 0 for a zero matrix.
     *
     * @param maxAbs the largest magnitude, as {@link #requireFinite} returns it; finite, {@code >=
     *     0}
     * @return {@code e}
     * @throws IllegalArgumentException if {@code maxAbs} is negative or not finite
     */
    public static int scaleExponent(double maxAbs) {
        if (!(maxAbs >= 0 && maxAbs <= Double.MAX_VALUE)) {
            throw new IllegalArgumentException(
                    "The largest magnitude must be finite and >= 0, got " + maxAbs);
        }
        return maxAbs == 0.0 ? 0 : Math.max(Math.getExponent(maxAbs), Double.MIN_EXPONENT);
    }

    /**
     * Like {@link #scaleExponent(double)}, but 0 while the exponent's magnitude is at most {@code
     * safe}: for backends that scale only matrices whose Gram matrix would overflow or underflow.
     *
     * @param maxAbs the largest magnitude; finite, {@code >= 0}
     * @param safe the largest exponent magnitude left unscaled, {@code >= 0}
     * @return {@code e}, or 0
     * @throws IllegalArgumentException if {@code maxAbs} is negative or not finite, or {@code safe}
     *     is negative
     */
    public static int scaleExponent(double maxAbs, int safe) {
        if (safe < 0) {
            throw new IllegalArgumentException("safe must be >= 0, got " + safe);
        }
        int exponent = scaleExponent(maxAbs);
        return Math.abs(exponent) <= safe ? 0 : exponent;
    }

    /**
     * Checks the rank {@link Factorization#truncate} accepts: {@code 1 <= rank <= n}.
     *
     * @param id the backend, for the message
     * @param rank the requested rank
     * @param rows {@code n}
     * @param cols {@code m}
     * @throws IllegalArgumentException if the rank is out of range
     */
    public static void requireRank(BackendId id, int rank, int rows, int cols) {
        if (rank < 1 || rank > rows) {
            throw new IllegalArgumentException(
                    prefix(id)
                            + "rank must be in [1, "
                            + rows
                            + "] for a "
                            + rows
                            + " x "
                            + cols
                            + " matrix, got "
                            + rank);
        }
    }

    /**
     * Checks that an opened backend has not been closed.
     *
     * @param id the backend, for the message
     * @param closed whether {@link ComputeBackend#close()} was called
     * @throws IllegalStateException if it was
     */
    public static void requireBackendOpen(BackendId id, boolean closed) {
        if (closed) {
            throw new IllegalStateException(prefix(id) + "the backend is closed; open a new one");
        }
    }

    /**
     * Checks that a factorization has not been closed.
     *
     * @param id the backend, for the message
     * @param closed whether {@link Factorization#close()} was called
     * @throws IllegalStateException if it was
     */
    public static void requireFactorizationOpen(BackendId id, boolean closed) {
        if (closed) {
            throw new IllegalStateException(
                    prefix(id) + "this factorization is closed; factorize the matrix again");
        }
    }

    private static String prefix(BackendId id) {
        return "Backend '" + Objects.requireNonNull(id, "id") + "': ";
    }
}
