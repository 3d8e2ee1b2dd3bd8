package org.amct.backend.openblas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;

/**
 * A benchmark, not a test: times {@code factorize} plus {@code truncate(n/4)} of the unfolding of a
 * Conv2d weight of the given shapes, filled with gaussian numbers from a fixed seed, and prints one
 * JSON line per shape with the median time and the peak resident memory of the process.
 *
 * <p>Shapes are {@code COUTxCINxKHxKW} as in {@code /work/shared/bench/reference_cost.py}; the
 * matrix is {@code n x m} with {@code n = min(Cin, Cout) * min(kh, kw)} and {@code m = max(Cin,
 * Cout) * max(kh, kw)}. Run it on the test class path, one shape per JVM for a per-shape peak:
 *
 * <pre>
 * mvn -q -pl backend-openblas-cpu test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench.classpath
 * java -Xmx8g -cp backend-openblas-cpu/target/test-classes:backend-openblas-cpu/target/classes:$(cat
 *     backend-openblas-cpu/target/bench.classpath) org.amct.backend.openblas.OpenBlasBench \
 *     --threads 2 --runs 3 512x512x3x3
 * </pre>
 *
 * Add {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug} for the time of each phase.
 */
public final class OpenBlasBench {
    private static final long SEED = 7;

    private OpenBlasBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code [--threads N] [--runs K] SHAPE...}
     * @throws IOException if {@code /proc/self/status} cannot be read
     */
    public static void main(String[] args) throws IOException {
        int threads = BackendOptions.defaults().effectiveThreads();
        int runs = 3;
        List<int[]> shapes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> shapes.add(parseShape(args[i]));
            }
        }
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException(
                    "Usage: OpenBlasBench [--threads N] [--runs K] COUTxCINxKHxKW...");
        }
        try (ComputeBackend backend =
                new OpenBlasBackendProvider().open(new BackendOptions(threads))) {
            for (int[] shape : shapes) {
                System.out.println(measure(backend, shape, runs, threads));
            }
        }
    }

    private static String measure(ComputeBackend backend, int[] shape, int runs, int threads)
            throws IOException {
        int outChannels = shape[0];
        int inChannels = shape[1];
        int rows = Math.min(inChannels, outChannels) * Math.min(shape[2], shape[3]);
        int cols = Math.max(inChannels, outChannels) * Math.max(shape[2], shape[3]);
        int rank = Math.max(1, rows / 4);
        DenseMatrix a = gaussian(rows, cols);
        double[] total = new double[runs];
        double[] factorize = new double[runs];
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            try (Factorization f = backend.factorize(a)) {
                long factorized = System.nanoTime();
                SvdResult result = f.truncate(rank);
                if (result.rank() != rank) {
                    throw new IllegalStateException("rank " + result.rank() + " != " + rank);
                }
                factorize[run] = (factorized - start) / 1e9;
            }
            total[run] = (System.nanoTime() - start) / 1e9;
        }
        return String.format(
                Locale.ROOT,
                "{\"shape\": %s, \"n\": %d, \"m\": %d, \"rank\": %d, \"seconds\": %.3f,"
                        + " \"factorize_seconds\": %.3f, \"runs\": %d, \"threads\": %d,"
                        + " \"peak_rss_mb\": %d, \"device\": \"%s\"}",
                Arrays.toString(shape),
                rows,
                cols,
                rank,
                median(total),
                median(factorize),
                runs,
                threads,
                peakResidentMegabytes(),
                backend.device());
    }

    private static int[] parseShape(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x");
        if (parts.length != 4) {
            throw new IllegalArgumentException("Shape '" + text + "' is not COUTxCINxKHxKW");
        }
        return Arrays.stream(parts).mapToInt(Integer::parseInt).toArray();
    }

    private static DenseMatrix gaussian(int rows, int cols) {
        Random random = new Random(SEED);
        double[] data = new double[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextGaussian();
        }
        return DenseMatrix.wrap(rows, cols, data);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The peak resident set of this process (VmHWM), or -1 where /proc is missing. */
    private static long peakResidentMegabytes() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        return Files.readAllLines(status).stream()
                .filter(line -> line.startsWith("VmHWM:"))
                .map(line -> line.replaceAll("[^0-9]", ""))
                .mapToLong(kilobytes -> Long.parseLong(kilobytes) / 1024)
                .findFirst()
                .orElse(-1);
    }
}
