package org.amct.backend.nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.amct.conformance.TestMatrices;
import org.amct.conformance.Unfolding;
import org.amct.conformance.UnfoldingMode;
import org.amct.spi.Availability;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.ComputeBackendProvider;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;

/**
 * Times factorize + truncate(n/4) on Conv2d-shaped matrices for this backend and, beside it, for
 * the other backends on the class path (the EJML backend is a test dependency), each found by its
 * id through ServiceLoader. One warm-up run, then the median of three. Not a test; run by hand
 * (docs/backends/nd4j.md):
 *
 * <pre>
 * mvn -q -B -o -pl backend-nd4j-cuda test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/test-class-path.txt
 * java -cp backend-nd4j-cuda/target/classes:backend-nd4j-cuda/target/test-classes:$(cat \
 *     backend-nd4j-cuda/target/test-class-path.txt) org.amct.backend.nd4j.Nd4jBenchmark \
 *     1 nd4j,ejml 256x256x3x3 512x512x3x3
 * </pre>
 *
 * Arguments: the thread count, the backend ids separated by commas, then shapes {@code
 * CoutxCinxKhxKw}.
 */
public final class Nd4jBenchmark {
    private static final int REPEATS = 3;

    private Nd4jBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args the thread count, the backend ids, then shapes like {@code 512x512x3x3}
     */
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: Nd4jBenchmark THREADS ID[,ID...] SHAPE...");
            System.exit(2);
        }
        int threads = Integer.parseInt(args[0]);
        List<String> ids = List.of(args[1].split(","));
        List<String> shapes = Arrays.asList(args).subList(2, args.length);
        for (String id : ids) {
            ComputeBackendProvider provider = find(id);
            Availability availability = provider.probe();
            if (availability instanceof Availability.Unavailable unavailable) {
                System.out.println(id + ": unavailable: " + unavailable.reason());
                continue;
            }
            try (ComputeBackend backend = provider.open(new BackendOptions(threads))) {
                System.out.println(id + ": " + backend.device());
                for (String shape : shapes) {
                    run(backend, shape);
                }
            }
        }
    }

    private static ComputeBackendProvider find(String id) {
        List<String> known = new ArrayList<>();
        for (ComputeBackendProvider provider : ServiceLoader.load(ComputeBackendProvider.class)) {
            String found = provider.descriptor().id().value();
            if (found.equals(id)) {
                return provider;
            }
            known.add(found);
        }
        throw new IllegalArgumentException("no backend '" + id + "' on the class path: " + known);
    }

    /**
     * A float32-rounded gaussian weight of the shape, unfolded as docs/design/ALGORITHM.md section
     * 2.
     */
    private static DenseMatrix matrix(int[] shape) {
        double[] weight =
                TestMatrices.gaussian(1, shape[0] * shape[1] * shape[2] * shape[3], 7).toArray();
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) weight[i];
        }
        UnfoldingMode mode = UnfoldingMode.of(shape[0], shape[1], shape[2], shape[3]);
        return Unfolding.of(weight, shape[0], shape[1], shape[2], shape[3], mode);
    }

    private static void run(ComputeBackend backend, String spec) {
        int[] shape = Arrays.stream(spec.split("x")).mapToInt(Integer::parseInt).toArray();
        DenseMatrix a = matrix(shape);
        int rank = Math.max(1, a.rows() / 4);
        time(backend, a, rank);
        double[] seconds = new double[REPEATS];
        double[] factorizeSeconds = new double[REPEATS];
        for (int repeat = 0; repeat < REPEATS; repeat++) {
            double[] phases = time(backend, a, rank);
            factorizeSeconds[repeat] = phases[0];
            seconds[repeat] = phases[1];
        }
        Arrays.sort(seconds);
        Arrays.sort(factorizeSeconds);
        System.out.printf(
                Locale.ROOT,
                "  %s (n=%d, m=%d, r=%d): median %.3f s (factorize %.3f s), runs %s%n",
                spec,
                a.rows(),
                a.cols(),
                rank,
                seconds[REPEATS / 2],
                factorizeSeconds[REPEATS / 2],
                Arrays.toString(seconds));
    }

    /** One factorize + singularValues + truncate: {factorize seconds, total seconds}. */
    private static double[] time(ComputeBackend backend, DenseMatrix a, int rank) {
        long start = System.nanoTime();
        long factorized;
        try (Factorization factorization = backend.factorize(a)) {
            factorization.singularValues();
            factorized = System.nanoTime();
            factorization.truncate(rank);
        }
        long end = System.nanoTime();
        return new double[] {(factorized - start) / 1e9, (end - start) / 1e9};
    }
}
