package org.amct.backend.aparapi;

import com.aparapi.device.OpenCLDevice;
import java.util.Objects;
import org.amct.backend.aparapi.kernel.AparapiGramKernel;
import org.amct.backend.aparapi.kernel.AparapiJacobiKernel;
import org.amct.backend.aparapi.kernel.AparapiProjectionKernel;
import org.amct.spi.BackendChecks;
import org.amct.spi.BackendException;
import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;

/**
 * The opened {@code aparapi} backend: its three kernels, built once for its OpenCL device when it
 * opens, serve every factorization. See {@link AparapiFactorization} for the method.
 *
 * <p>Thread-safety: not thread-safe ({@link #isThreadSafe()} is {@code false}); the kernels hold
 * the arrays of the factorization in progress.
 */
final class AparapiBackend implements ComputeBackend {
    private final AparapiKernels kernels;
    private boolean closed;

    private AparapiBackend(AparapiKernels kernels) {
        this.kernels = kernels;
    }

    /**
     * Builds the kernels for a device and opens the backend.
     *
     * @param openClDevice Aparapi's handle of the device
     * @param device what the probe found about it
     * @return the opened backend
     * @throws BackendException if a kernel cannot be built for the device
     */
    static AparapiBackend open(OpenCLDevice openClDevice, AparapiDevice device) {
        Objects.requireNonNull(openClDevice, "openClDevice");
        String description = device.describe();
        AparapiPinnedKernel<AparapiGramKernel> gram =
                AparapiPinnedKernel.compile(
                        new AparapiGramKernel(), "Gram", openClDevice, description);
        AparapiPinnedKernel<AparapiJacobiKernel> jacobi = null;
        try {
            jacobi =
                    AparapiPinnedKernel.compile(
                            new AparapiJacobiKernel(), "Jacobi", openClDevice, description);
            AparapiPinnedKernel<AparapiProjectionKernel> projection =
                    AparapiPinnedKernel.compile(
                            new AparapiProjectionKernel(), "projection", openClDevice, description);
            return new AparapiBackend(new AparapiKernels(device, gram, jacobi, projection));
        } catch (BackendException e) {
            gram.dispose();
            if (jacobi != null) {
                jacobi.dispose();
            }
            throw e;
        }
    }

    @Override
    public BackendId id() {
        return AparapiBackendProvider.ID;
    }

    @Override
    public String device() {
        return kernels.device().describe() + ", float64";
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also if {@code a} has a NaN or infinite element
     * @throws IllegalStateException if the backend is closed
     * @throws BackendException also if the matrix does not fit the device's memory, the
     *     eigen-solver does not converge, or a kernel did not run on the device
     */
    @Override
    public Factorization factorize(DenseMatrix a) {
        BackendChecks.requireBackendOpen(AparapiBackendProvider.ID, closed);
        BackendChecks.requireFactorizable(AparapiBackendProvider.ID, a);
        return AparapiFactorization.compute(a, kernels);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: {@code 8 (2 N^2 + n m + 4 n)} bytes, {@code N} being {@code n} rounded up to even:
     * the Gram matrix and the eigenvectors on the host (then the eigenvectors and {@code P^T}), and
     * a scaled copy of {@code A} for matrices with elements beyond {@code 2^256} or below {@code
     * 2^-256}. The device needs at most {@code 8 max(n m + N^2, 2 N^2, (n + 3) n + 2 n m)} bytes on
     * top, checked against its limits before any work.
     */
    @Override
    public long workspaceBytes(int rows, int cols) {
        long order = rows + rows % 2;
        return Double.BYTES * (2 * order * order + (long) rows * cols + 4L * rows);
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

    /** Releases the kernels' OpenCL resources; calling it again does nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            kernels.dispose();
        }
    }
}
