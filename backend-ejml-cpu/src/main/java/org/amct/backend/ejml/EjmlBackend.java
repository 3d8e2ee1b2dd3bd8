package org.amct.backend.ejml;

import java.util.Objects;
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
 *   <li>{@code S = A / max|A|} (so values near {@code 1e-300} or {@code 1e+300} neither underflow
 *       nor overflow), and {@code G = S S^T} from EJML's products on the lower tiles ({@link
 *       EjmlGram}), {@code n^2 m} flops;
 *   <li>{@code G = Q T Q^T} by blocked Householder tridiagonalization ({@link
 *       EjmlTridiagonalizer}), {@code 4/3 n^3} flops on the lower triangle;
 *   <li>all eigenvalues of {@code T} by EJML's symmetric QR without vectors; singular values are
 *       {@code sqrt(max(lambda, 0)) * max|A|}, descending.
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
        Objects.requireNonNull(a, "a");
        int n = a.rows();
        int m = a.cols();
        if (n == 0 || n > m) {
            throw new IllegalArgumentException(
                    "ejml: factorize needs a matrix with 1 <= rows <= cols, got " + n + " x " + m);
        }
        double scale = maxAbs(a.backingArray());
        if (!Double.isFinite(scale)) {
            throw new IllegalArgumentException(
                    "ejml: the " + n + " x " + m + " matrix contains NaN or Inf");
        }
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

    @Override
    public boolean isThreadSafe() {
        return true;
    }

    @Override
    public void close() {
        parallel.close();
    }

    private static double maxAbs(double[] values) {
        double max = 0;
        for (double value : values) {
            double magnitude = Math.abs(value);
            if (!(magnitude <= max)) {
                max = magnitude;
            }
        }
        return max;
    }
}
