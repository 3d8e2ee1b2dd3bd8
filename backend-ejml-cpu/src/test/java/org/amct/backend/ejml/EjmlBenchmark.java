package org.amct.backend.ejml;

import java.util.Arrays;
import java.util.Locale;
import org.amct.conformance.TestMatrices;
import org.amct.conformance.Unfolding;
import org.amct.conformance.UnfoldingMode;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;

/**
 * Times factorize + truncate(n/4) on Conv2d-shaped matrices, for comparison with {@code python3
 * shared/bench/reference_cost.py --threads 1 SHAPE...}. Not a test; run by hand:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:DEPS org.amct.backend.ejml.EjmlBenchmark [threads] 256x256x3x3 ...
 * </pre>
 */
public final class EjmlBenchmark {
    private static final int REPEATS = 3;
    private static final int WARM_UP_RUNS = 3;

    private EjmlBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args the thread count, then shapes like {@code 512x512x3x3}
     */
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        try (ComputeBackend backend = new EjmlBackendProvider().open(new BackendOptions(threads))) {
            warmUp(backend);
            for (String spec : Arrays.copyOfRange(args, 1, args.length)) {
                int[] shape = Arrays.stream(spec.split("x")).mapToInt(Integer::parseInt).toArray();
                double[] weight =
                        TestMatrices.gaussian(1, shape[0] * shape[1] * shape[2] * shape[3], 7)
                                .toArray();
                for (int i = 0; i < weight.length; i++) {
                    weight[i] = (float) weight[i];
                }
                UnfoldingMode mode = UnfoldingMode.of(shape[0], shape[1], shape[2], shape[3]);
                DenseMatrix a = Unfolding.of(weight, shape[0], shape[1], shape[2], shape[3], mode);
                run(backend, spec, a);
            }
        }
    }

    /** Lets the JIT compile the kernels first, as it has after a network's first layers. */
    private static void warmUp(ComputeBackend backend) {
        DenseMatrix a = TestMatrices.gaussian(512, 512, 3);
        for (int repeat = 0; repeat < WARM_UP_RUNS; repeat++) {
            try (Factorization factorization = backend.factorize(a)) {
                factorization.truncate(128);
            }
        }
    }

    private static void run(ComputeBackend backend, String spec, DenseMatrix a) {
        int rank = Math.max(16, a.rows() / 4);
        double[] seconds = new double[REPEATS];
        for (int repeat = 0; repeat < REPEATS; repeat++) {
            long start = System.nanoTime();
            long factorized;
            try (Factorization factorization = backend.factorize(a)) {
                factorization.singularValues();
                factorized = System.nanoTime();
                factorization.truncate(rank);
            }
            long end = System.nanoTime();
            seconds[repeat] = (end - start) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "%s n=%d m=%d r=%d: factorize %.3f s, truncate %.3f s, total %.3f s%n",
                    spec,
                    a.rows(),
                    a.cols(),
                    rank,
                    (factorized - start) / 1e9,
                    (end - factorized) / 1e9,
                    seconds[repeat]);
        }
        Arrays.sort(seconds);
        System.out.printf(Locale.ROOT, "%s median %.3f s%n", spec, seconds[REPEATS / 2]);
    }
}
