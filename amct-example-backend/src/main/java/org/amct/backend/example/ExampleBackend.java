package org.amct.backend.example;

import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;

// tag::backend[]
/**
 * The example backend: for an {@code n x m} matrix {@code A}, the Gram matrix {@code G = A A^T}
 * ({@code n x n}) and its eigen-decomposition by the cyclic Jacobi method give the singular values
 * ({@code sqrt} of the eigenvalues) and the left singular vectors (the eigenvectors). {@code A} is
 * scaled by its largest element first, so values near {@code 1e-300} or {@code 1e+300} neither
 * underflow nor overflow when squared.
 *
 * <p>Stateless, so thread-safe. Java heap: the default {@link #workspaceBytes} bound holds.
 */
final class ExampleBackend implements ComputeBackend {
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
        int n = a.rows();
        int m = a.cols();
        if (n == 0 || n > m) {
            throw new IllegalArgumentException(
                    "The example backend needs 1 <= rows <= cols, got " + n + " x " + m);
        }
        double[] values = a.backingArray(); // read only: never write to it
        double scale = 0;
        for (double v : values) {
            scale = Math.max(scale, Math.abs(v));
        }
        double[] gram = new double[n * n];
        if (scale > 0) {
            ExampleMatrices.scaledGram(values, n, m, 1 / scale, gram);
        }
        double[] vectors = ExampleMatrices.identity(n);
        double[] eigenvalues = ExampleJacobi.eigen(gram, vectors, n);
        return new ExampleFactorization(a, eigenvalues, vectors, scale);
    }

    @Override
    public boolean isThreadSafe() {
        return true;
    }

    @Override
    public void close() {
        // Nothing to release: no native memory, no device context.
    }
}
// end::backend[]
