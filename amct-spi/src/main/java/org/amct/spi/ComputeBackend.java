package org.amct.spi;

/**
 * An opened backend, owned and closed by whoever opened it. It serves a whole run: the API
 * factorizes every layer's matrix through it.
 *
 * <p>Thread-safety: an implementation says so through {@link #isThreadSafe()}; when it returns
 * {@code false}, callers use the instance from one thread at a time.
 */
public interface ComputeBackend extends AutoCloseable {

    /**
     * The identifier of the provider that opened this backend.
     *
     * @return the backend id
     */
    BackendId id();

    /**
     * The device this backend computes on, as reported to users.
     *
     * @return for example {@code "CPU, 2 threads (OpenBLAS 0.3.31)"}
     */
    String device();

    /**
     * Starts the factorization of {@code A}: computes all of its singular values and keeps what is
     * needed to produce the leading left singular vectors later. {@code A} is not modified and is
     * not retained after the returned factorization is closed.
     *
     * @param a the {@code n x m} matrix, with {@code 1 <= n <= m}
     * @return the factorization, to be closed by the caller
     * @throws IllegalArgumentException if {@code n > m} or {@code n == 0}
     * @throws BackendException if the computation fails
     */
    Factorization factorize(DenseMatrix a);

    /**
     * Starts the factorization of a matrix handed out in blocks of columns, as {@link
     * #factorize(DenseMatrix)} does. Backends that can stream {@code A} (forming {@code A A^T} and
     * {@code P^T A} one block at a time) override this so that no float64 copy of the whole matrix
     * exists; the default materializes it with {@link MatrixSource#toDenseMatrix()} and calls
     * {@link #factorize(DenseMatrix)}. The source is read during this call and again during {@link
     * Factorization#truncate}, never after the factorization is closed.
     *
     * @param a the {@code n x m} matrix, with {@code 1 <= n <= m}
     * @return the factorization, to be closed by the caller
     * @throws IllegalArgumentException if {@code n > m} or {@code n == 0}
     * @throws BackendException if the computation fails
     */
    default Factorization factorize(MatrixSource a) {
        return factorize(a.toDenseMatrix());
    }

    /**
     * An upper bound of the Java-heap bytes that {@link #factorize} and then {@link
     * Factorization#truncate} allocate for an {@code n x m} matrix, beyond the matrix itself and
     * the returned {@link SvdResult}, so that callers can refuse a layer before the heap runs out.
     * Native or device memory is not counted here; document it in the implementation.
     *
     * <p>There is no default: the memory guard trusts this number, so every backend states what it
     * allocates (the conformance suite checks that the bound is positive and grows with the
     * matrix). A Gram-matrix method needs about {@code 8 (n^2 + 2 n m)} bytes if it works on the
     * heap; a backend that computes in native or device memory counts only its heap buffers.
     *
     * @param rows {@code n}
     * @param cols {@code m}
     * @return the extra bytes needed at the peak
     */
    long workspaceBytes(int rows, int cols);

    /**
     * Whether {@link #factorize(MatrixSource)} reads {@code A} a block of columns at a time and
     * never holds it whole as float64 (nor keeps it after {@link Factorization#truncate}): then a
     * caller's memory estimate leaves out the {@code 8 n m} bytes of a materialized {@code A}, and
     * {@link #workspaceBytes} counts the backend's own staging blocks instead. The default is
     * {@code false}, which is right for any backend that keeps the default {@link
     * #factorize(MatrixSource)} (it materializes the matrix).
     *
     * @return {@code true} if {@code A} is streamed
     */
    default boolean streamsMatrix() {
        return false;
    }

    /**
     * Whether several threads may call {@link #factorize} at once on this instance.
     *
     * @return {@code true} if concurrent calls are allowed
     */
    default boolean isThreadSafe() {
        return false;
    }

    /** Releases the backend's resources (native memory, device contexts). */
    @Override
    void close();
}
