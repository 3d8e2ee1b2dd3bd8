package org.amct.backend.aparapi;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.ServiceLoader;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.ComputeBackendProvider;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;

/**
 * Times the Aparapi backend beside the EJML backend on the matrices of two Conv2d layers: {@code
 * (256, 256, 3, 3)}, whose matrix is {@code 768 x 768}, and {@code (512, 512, 3, 3)}, {@code 1536 x
 * 1536}; each run is {@code factorize} plus {@code truncate(n / 4)}, the rank the decomposition
 * would pick for such a layer. The matrix is gaussian with a fixed seed (the unfolding of a random
 * weight is a random matrix of the same shape). Both backends are opened and warmed up on a small
 * matrix first, so kernel builds and JIT compilation are not timed. It also prints how far the two
 * spectra differ, as a check that both computed the same thing.
 *
 * <p>Run it from the repository root (the {@code benchmark} profile adds the EJML backend to the
 * test class path; both are found through {@link ServiceLoader}):
 *
 * <pre>
 * mvn -B -pl backend-aparapi -Pbenchmark test-compile exec:java \
 *     -Dexec.mainClass=org.amct.backend.aparapi.AparapiBenchmark -Dexec.classpathScope=test
 * </pre>
 *
 * Arguments, optional: the matrix orders to time (default {@code 768 1536}). On a CPU OpenCL driver
 * such as PoCL this is a correctness run and the Aparapi backend is expected to be slower; the
 * numbers that matter come from a GPU.
 */
public final class AparapiBenchmark {
    private static final List<String> BACKENDS = List.of("aparapi", "ejml");
    private static final PrintStream OUT = System.out;

    private AparapiBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args the matrix orders to time; default {@code 768 1536}
     */
    public static void main(String[] args) {
        List<Integer> orders = new ArrayList<>();
        for (String arg : args) {
            orders.add(Integer.parseInt(arg));
        }
        if (orders.isEmpty()) {
            orders = List.of(768, 1536);
        }
        List<ComputeBackend> backends = new ArrayList<>();
        try {
            for (String id : BACKENDS) {
                backends.add(open(id));
            }
            OUT.printf(
                    Locale.ROOT,
                    "%-12s %-8s %14s %14s %10s%n",
                    "matrix",
                    "backend",
                    "factorize [s]",
                    "truncate [s]",
                    "total [s]");
            for (int order : orders) {
                run(order, backends);
            }
        } finally {
            backends.forEach(ComputeBackend::close);
        }
    }

    private static ComputeBackend open(String id) {
        ComputeBackendProvider provider =
                ServiceLoader.load(ComputeBackendProvider.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .filter(candidate -> candidate.descriptor().id().value().equals(id))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "Backend '"
                                                        + id
                                                        + "' is not on the class path; run with"
                                                        + " -Pbenchmark"));
        OUT.println(id + ": " + provider.probe());
        long start = System.nanoTime();
        ComputeBackend backend = provider.open(BackendOptions.defaults());
        try (Factorization warmUp = backend.factorize(gaussian(64, 64, 1))) {
            warmUp.truncate(16);
        }
        OUT.printf(
                Locale.ROOT,
                "%s: opened and warmed up in %.1f s on %s%n",
                id,
                seconds(System.nanoTime() - start),
                backend.device());
        return backend;
    }

    private static void run(int order, List<ComputeBackend> backends) {
        DenseMatrix a = gaussian(order, order, order);
        double[] reference = null;
        for (ComputeBackend backend : backends) {
            long start = System.nanoTime();
            try (Factorization factorization = backend.factorize(a)) {
                long factorized = System.nanoTime();
                factorization.truncate(order / 4);
                long done = System.nanoTime();
                OUT.printf(
                        Locale.ROOT,
                        "%-12s %-8s %14.2f %14.2f %10.2f%n",
                        order + "x" + order,
                        backend.id(),
                        seconds(factorized - start),
                        seconds(done - factorized),
                        seconds(done - start));
                double[] values = factorization.singularValues();
                if (reference == null) {
                    reference = values;
                } else {
                    OUT.printf(
                            Locale.ROOT,
                            "%-12s max |s_i - s'_i| / s_max between %s and %s: %.2e%n",
                            "",
                            backends.get(0).id(),
                            backend.id(),
                            largestDifference(reference, values));
                }
            }
        }
    }

    private static double largestDifference(double[] first, double[] second) {
        double largest = 0.0;
        for (int i = 0; i < first.length; i++) {
            largest = Math.max(largest, Math.abs(first[i] - second[i]));
        }
        return largest / first[0];
    }

    private static DenseMatrix gaussian(int rows, int cols, long seed) {
        Random random = new Random(seed);
        double[] data = new double[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextGaussian();
        }
        return DenseMatrix.wrap(rows, cols, data);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
