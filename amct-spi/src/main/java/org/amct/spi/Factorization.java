package org.amct.spi;

/**
 * The factorization of one matrix {@code A} ({@code n x m}, {@code n <= m}) in progress: the
 * spectrum is known, and the leading left singular vectors can be asked for once the caller has
 * chosen a rank. A backend keeps whatever intermediate state makes that second step cheap (for
 * example the tridiagonal form of {@code A A^T}) until {@link #close()}.
 *
 * <p>Not thread-safe: one caller uses it, then closes it.
 */
public interface Factorization extends AutoCloseable {

    /**
     * All {@code n} singular values of {@code A}, finite, non-negative and in descending order.
     *
     * @return a new array of length {@code n}; the caller owns it
     */
    double[] singularValues();

    /**
     * The first {@code rank} left singular vectors {@code P} and the projection {@code P^T A}. May
     * be called any number of times until {@link #close()}, at any ranks in any order: each call
     * returns new factors and leaves the kept state as it was, so that the same rank gives the same
     * factors again (callers try several ranks on one factorization).
     *
     * @param rank {@code 1 <= rank <= n}
     * @return the truncated factors, owned by the caller
     * @throws IllegalArgumentException if {@code rank} is out of range
     * @throws BackendException if the computation fails
     */
    SvdResult truncate(int rank);

    /**
     * The last truncation: as {@link #truncate(int)}, after which the factorization is closed. A
     * backend may free the state it keeps as soon as this call no longer needs it (for example the
     * reduced Gram matrix, once the vectors are formed and before the projection is computed), so
     * the peak memory of a caller that truncates once is lower. The default truncates, then closes.
     *
     * @param rank {@code 1 <= rank <= n}
     * @return the truncated factors, owned by the caller
     * @throws IllegalArgumentException if {@code rank} is out of range (the factorization is then
     *     closed too)
     * @throws BackendException if the computation fails (the factorization is then closed too)
     */
    default SvdResult truncateAndClose(int rank) {
        try {
            return truncate(rank);
        } finally {
            close();
        }
    }

    /** Releases the intermediate state; calling it twice is harmless. */
    @Override
    void close();
}
