package org.amct.backend.example;

import org.amct.spi.BackendChecks;
import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;

// tag::backend[]
/**
 * The example backend: for an {@code n x m} matrix {@code A}, the Gram matrix {@code G = A A^T}
 * ({@code n x n}) and its eigen-decomposition by the cyclic Jacobi method give the singular values
 * ({@code sqrt} of the eigenvalues) and the left singular vectors (the eigenvectors). {@code A} is
 * scaled by the power of two at or below its largest element first (exact), so values near {@code
 * 1e-300} or {@code 1e+300} neither underflow nor overflow when squared. The checks come from
 * {@link BackendChecks}, so the messages read as every backend's do.
 *
 * <p>Stateless apart from being closed, so thread-safe. Java heap: {@code G} and its eigenvectors
 * ({@code 2 n^2} doubles), and in {@code truncate} nothing beyond the returned factors.
 */
final class ExampleBackend implements ComputeBackend {
    private volatile boolean closed;

    @Override
    public BackendId id() {
        return ExampleBackendProvider.ID;
    }

    @Override
    public String device() {
        return "CPU, 1 thread (example backend)";
    }

    @Override
    public Factorization factorize(DenseMatrix a) {
        BackendChecks.requireBackendOpen(id(), closed);
        BackendChecks.requireFactorizable(id(), a);
        int n = a.rows();
        int m = a.cols();
        double max = BackendChecks.requireFinite(id(), a);
        double scale = max == 0 ? 0 : Math.scalb(1.0, BackendChecks.scaleExponent(max));
        double[] values = a.backingArray(); // read only: never write to it
        double[] gram = new double[n * n];
        if (scale > 0) {
            ExampleMatrices.scaledGram(values, n, m, 1 / scale, gram);
        }
        double[] vectors = ExampleMatrices.identity(n);
        double[] eigenvalues = ExampleJacobi.eigen(gram, vectors, n);
        return new ExampleFactorization(a, eigenvalues, vectors, scale);
    }

    @Override
    public long workspaceBytes(int rows, int cols) {
        long n = rows;
        return 8L * 2 * n * n;
    }

    @Override
    public boolean isThreadSafe() {
        return true;
    }

    @Override
    public void close() {
        // Nothing to release (no native memory, no device context); later calls are refused.
        closed = true;
    }
}
// end::backend[]
