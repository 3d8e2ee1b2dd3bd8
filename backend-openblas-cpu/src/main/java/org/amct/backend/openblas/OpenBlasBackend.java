package org.amct.backend.openblas;

import java.util.Objects;
import org.amct.spi.BackendChecks;
import org.amct.spi.BackendException;
import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.MatrixSource;

/**
 * The opened {@code openblas} backend. Each {@link #factorize} call goes through the Gram matrix
 * with native BLAS and LAPACK; see {@link OpenBlasFactorization} for the method, its memory and its
 * accuracy.
 *
 * <p>Threads: OpenBLAS has one thread count for the whole process. This backend sets it to its own
 * count when it opens and again at each {@code factorize} and {@code truncate} when JavaCPP's
 * {@code blas_get_num_threads()} reports another count, so that the count it was opened with is the
 * one in force while it computes, even if something else in the process changed it meanwhile
 * through JavaCPP (a native caller that bypasses JavaCPP is not seen). Two backends with different
 * counts used at the same time would fight over that setting. With two or more threads, inverse
 * iteration for the vectors ({@code dstein}, single-threaded in LAPACK) is split at gaps of the
 * spectrum into as many parts, run on that many Java threads.
 *
 * <p>Thread-safety: not thread-safe ({@link #isThreadSafe()} is {@code false}). OpenBLAS itself can
 * be called from several threads, but each call already runs on {@code threads} native threads, so
 * concurrent factorizations would oversubscribe the CPU (on a shared machine OpenBLAS's spinning
 * threads then slow down by an order of magnitude) and multiply the peak memory. Use one instance
 * from one thread at a time.
 */
final class OpenBlasBackend implements ComputeBackend {
    private final OpenBlasLibrary library;
    private final int threads;
    private boolean closed;

    /**
     * Opens the backend and sets OpenBLAS's thread count.
     *
     * @param library the loaded library
     * @param threads the thread count, {@code >= 1}
     * @throws BackendException if the thread count cannot be set
     */
    OpenBlasBackend(OpenBlasLibrary library, int threads) {
        this.library = Objects.requireNonNull(library, "library");
        this.threads = threads;
        library.useThreads(threads);
    }

    @Override
    public BackendId id() {
        return OpenBlasBackendProvider.ID;
    }

    @Override
    public String device() {
        return library.describe(threads);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also if {@code a} has a NaN or infinite element
     * @throws IllegalStateException if the backend is closed
     */
    @Override
    public Factorization factorize(DenseMatrix a) {
        return factorize((MatrixSource) a);
    }

    /**
     * {@inheritDoc} Streamed: {@code A} is read a block of columns at a time, twice (for {@code A
     * A^T} here, for {@code P^T A} in {@code truncate}); no copy of the whole matrix is made.
     *
     * @throws IllegalArgumentException also if {@code a} has a NaN or infinite element
     * @throws IllegalStateException if the backend is closed
     */
    @Override
    public Factorization factorize(MatrixSource a) {
        BackendChecks.requireBackendOpen(id(), closed);
        BackendChecks.requireFactorizable(id(), a);
        return OpenBlasFactorization.compute(a, threads, () -> library.useThreads(threads));
    }

    /**
     * The Java heap only: the singular values, the sorted eigenvalues and their copy, a copy of
     * {@code T} for its norm ({@code 5 n} doubles), and {@code 2^17} doubles for the source's own
     * read buffers (a run of kernels of the weight, at most a few hundred KiB). The streamed blocks
     * go straight into native memory, as do the Gram matrix and its reflectors ({@code n^2 + n b +
     * O(n)} doubles at the peak; see {@link OpenBlasFactorization}).
     */
    @Override
    public long workspaceBytes(int rows, int cols) {
        return 8L * (5L * rows + (1L << 17));
    }

    /**
     * Yes: {@code A} is read a block of columns at a time into native memory, twice, and never held
     * whole.
     *
     * @return {@code true}
     */
    @Override
    public boolean streamsMatrix() {
        return true;
    }

    /**
     * No: see the class documentation.
     *
     * @return {@code false}
     */
    @Override
    public boolean isThreadSafe() {
        return false;
    }

    /**
     * Closes the backend. It holds no native memory of its own (each factorization owns and frees
     * its buffers); OpenBLAS stays loaded, as native libraries do until the JVM exits.
     */
    @Override
    public void close() {
        closed = true;
    }
}
