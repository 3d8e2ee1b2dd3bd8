package org.amct.backend.ejml;

import org.amct.spi.BackendChecks;
import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opened EJML backend. {@link #factorize} goes through the Gram matrix, reduced once:
 *
 * <ol>
 *   <li>{@code S = A / 2^e}, {@code 2^e} the power of two at or below {@code max|A|} (so values
 *       near {@code 1e-300} or {@code 1e+300} neither underflow nor overflow), and {@code G = S
 *       S^T} from EJML's products on the lower tiles ({@link EjmlGram}), {@code n^2 m} flops;
 *   <li>{@code G = Q T Q^T} by blocked Householder tridiagonalization ({@link
 *       EjmlTridiagonalizer}), {@code 4/3 n^3} flops on the lower triangle;
 *   <li>all eigenvalues of {@code T} by EJML's symmetric QR without vectors; singular values are
 *       {@code sqrt(max(lambda, 0)) * 2^e}, descending.
 * </ol>
 *
 * {@code truncate(r)} then finds the {@code r} leading eigenvectors of {@code T} by inverse
 * iteration, applies {@code Q} to them ({@code 2 n^2 r} flops) and forms {@code P^T A} with EJML
 * ({@code 2 n m r} flops). No full SVD and no vector that is not asked for is computed.
 *
 * <p>Peak extra memory per factorization, in doubles: {@code n^2} for {@code G} (reduced in place
 * and kept as the reflectors until the factorization is closed), plus {@code 2 n m} for the scaled
 * blocks of {@code S} and {@code S^T} while {@code G} is formed (released before the reduction),
 * plus {@code (64 + threads) n} during the reduction, plus in {@code truncate(r)} {@code 2 n r} for
 * the eigenvectors and {@code P} and {@code 64 n} per thread for the product blocks, and the result
 * {@code r m}. The peak is while {@code G} is formed: {@code n^2 + 2 n m} doubles, {@code 3 n^2}
 * for a square matrix (57 MB at {@code n = m = 1536}); {@code truncate(r = n/4)} needs {@code 1.75
 * n^2} there. The reference tool's two full SVDs hold about {@code 10.5 n^2}.
 *
 * <p>The work is spread over {@code BackendOptions.effectiveThreads()} threads of this backend's
 * own pool (not EJML's global one). Thread-safety: {@link #factorize} may be called from several
 * threads at once (they share the pool); each {@link Factorization} is used by one thread.
 */
final class EjmlBackend implements ComputeBackend {
    private static final Logger LOG = LoggerFactory.getLogger(EjmlBackend.class);

    private final EjmlParallel parallel;
    private final String device;
    private volatile boolean closed;

    EjmlBackend(int threads, String device) {
        this.parallel = new EjmlParallel(threads);
        this.device = device;
    }

    @Override
    public BackendId id() {
        return EjmlBackendProvider.ID;
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public Factorization factorize(DenseMatrix a) {
        BackendChecks.requireBackendOpen(id(), closed);
        BackendChecks.requireFactorizable(id(), a);
        int n = a.rows();
        int m = a.cols();
        // A power of two, so that dividing by it and multiplying back are exact.
        double max = BackendChecks.requireFinite(id(), a);
        double scale = max == 0 ? 0 : Math.scalb(1.0, BackendChecks.scaleExponent(max));
        if (scale == 0) {
            return new EjmlFactorization(a, 0, null, parallel);
        }
        long start = System.nanoTime();
        double[] gram = EjmlGram.compute(a, scale, parallel);
        long gramDone = System.nanoTime();
        EjmlTridiagonalizer reduction = new EjmlTridiagonalizer(gram, n);
        reduction.reduce(parallel);
        long reduced = System.nanoTime();
        EjmlFactorization factorization = new EjmlFactorization(a, scale, reduction, parallel);
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "ejml: {} x {}: Gram {} ms, tridiagonal {} ms, eigenvalues {} ms",
                    n,
                    m,
                    (gramDone - start) / 1_000_000,
                    (reduced - gramDone) / 1_000_000,
                    (System.nanoTime() - reduced) / 1_000_000);
        }
        return factorization;
    }

    /**
     * The peaks of the class documentation, in bytes: the reflectors ({@code n^2}) plus the largest
     * of the scaled blocks ({@code 2 n m}), the reduction's work ({@code (64 + threads) n}) and
     * {@code truncate} at the largest rank ({@code 2 n^2 + 64 n} per thread).
     */
    @Override
    public long workspaceBytes(int rows, int cols) {
        long n = rows;
        long m = cols;
        long t = parallel.threads();
        long forming = 2 * n * m;
        long reducing = (64 + t) * n;
        long truncating = 2 * n * n + 64 * n * t;
        return 8L * (n * n + Math.max(forming, Math.max(reducing, truncating)));
    }

    @Override
    public boolean isThreadSafe() {
        return true;
    }

    @Override
    public void close() {
        closed = true;
        parallel.close();
    }
}
