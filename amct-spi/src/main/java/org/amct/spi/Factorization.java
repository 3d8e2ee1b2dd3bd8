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

    /** Releases the intermediate state; calling it twice is harmless. */
    @Override
    void close();
}
