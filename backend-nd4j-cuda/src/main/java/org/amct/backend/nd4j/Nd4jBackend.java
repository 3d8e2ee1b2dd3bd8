package org.amct.backend.nd4j;

import java.util.Objects;
import org.amct.spi.BackendChecks;
import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;

/**
 * The opened {@code nd4j} backend (not to be confused with ND4J's own {@code
 * org.nd4j.linalg.factory.Nd4jBackend}, which is the CPU or CUDA implementation ND4J picked). Each
 * {@link #factorize} goes through the Gram matrix with ND4J operations; see {@link
 * Nd4jFactorization} for the method, its memory and its accuracy.
 *
 * <p>Threads: on ND4J's CPU backend the thread counts (OpenBLAS's and ND4J's own) are process-wide.
 * This backend sets them to its own count when it opens and again before each step, so that the
 * count it was opened with is in force while it computes. On CUDA the work runs on the device ND4J
 * assigned to the calling thread.
 *
 * <p>Thread-safety: not thread-safe ({@link #isThreadSafe()} is {@code false}): each step already
 * uses all the threads or the whole device, and concurrent factorizations would multiply the peak
 * memory. Use one instance from one thread at a time.
 */
final class Nd4jBackend implements ComputeBackend {
    private final Nd4jRuntime runtime;
    private final int threads;
    private boolean closed;

    /**
     * Opens the backend and applies the thread count.
     *
     * @param runtime ND4J, initialised
     * @param threads the CPU thread count, {@code >= 1}
     */
    Nd4jBackend(Nd4jRuntime runtime, int threads) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.threads = threads;
        runtime.useThreads(threads);
    }

    @Override
    public BackendId id() {
        return Nd4jBackendProvider.ID;
    }

    @Override
    public String device() {
        return runtime.describe(threads);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also if {@code a} has a NaN or infinite element
     * @throws IllegalStateException if the backend is closed
     */
    @Override
    public Factorization factorize(DenseMatrix a) {
        BackendChecks.requireBackendOpen(id(), closed);
        BackendChecks.requireFactorizable(id(), a);
        return Nd4jFactorization.compute(a, () -> runtime.useThreads(threads));
    }

    /**
     * The Java heap only: the eigenvalues and singular values ({@code 3 n} doubles) and, in {@code
     * truncate(r)}, the row-major copy of the larger factor before its columns or rows are
     * reordered ({@code r m <= n m} doubles). The scaled matrix, {@code G} and the vectors live in
     * ND4J's off-heap or device memory ({@code n m + 2 n^2} doubles; see {@link
     * Nd4jFactorization}).
     */
    @Override
    public long workspaceBytes(int rows, int cols) {
        return 8L * ((long) rows * cols + 3L * rows);
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
     * Closes the backend. It holds no ND4J memory of its own (each factorization owns and frees its
     * arrays); ND4J stays initialised, as it does until the JVM exits.
     */
    @Override
    public void close() {
        closed = true;
    }
}
