package org.amct.calibration;

import ai.onnxruntime.OnnxTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import org.amct.api.graph.Tensor;

/**
 * Compares a decomposed model with the original in ONNX Runtime on the same inputs: per output the
 * cosine similarity, relative L2 and largest absolute difference per sample, top-1 agreement for
 * class scores, and the inference time of both.
 */
public final class Fidelity {
    /** Runs before timing, per model: the first runs allocate and plan. */
    static final int WARM_UP_RUNS = 2;

    /** Timed runs per model. */
    public static final int DEFAULT_TIMED_RUNS = 7;

    private Fidelity() {}

    /**
     * Runs both models on every batch and compares their outputs, then times both on the first
     * batch.
     *
     * @param original the original model
     * @param decomposed the decomposed model; it must have the original's outputs
     * @param batches the inputs, a tensor per model input with a leading batch axis
     * @param threads ONNX Runtime intra-op threads for both models; 0 means all cores
     * @param timedRuns how many timed runs per model, {@code >= 1}
     * @return the comparison
     * @throws IOException if a model file cannot be read, or reading the batches fails (an {@link
     *     UncheckedIOException} of their iterator, such as {@link CalibrationData}'s, is rethrown
     *     as its cause)
     * @throws InferenceException if a model cannot be run, an output is missing from the decomposed
     *     model or its shape differs
     * @throws CalibrationDataException if {@code batches} is empty
     */
    public static FidelityReport compare(
            Path original,
            Path decomposed,
            Iterable<Map<String, Tensor>> batches,
            int threads,
            int timedRuns)
            throws IOException {
        Objects.requireNonNull(batches, "batches");
        if (timedRuns < 1) {
            throw new IllegalArgumentException("timedRuns must be >= 1, got " + timedRuns);
        }
        try (OrtModel a = OrtModel.open(original, threads);
                OrtModel b = OrtModel.open(decomposed, threads)) {
            checkSameInterface(a, b);
            List<String> names = a.outputNames();
            Map<String, Accumulator> accumulators = new LinkedHashMap<>();
            names.forEach(name -> accumulators.put(name, new Accumulator(name)));
            Map<String, Tensor> first = null;
            long samples = 0;
            for (Map<String, Tensor> batch : batches) {
                if (first == null) {
                    first = batch;
                }
                Map<String, OrtModel.Output> want = a.run(batch, Set.of());
                Map<String, OrtModel.Output> got = b.run(batch, Set.copyOf(names));
                for (String name : names) {
                    accumulators.get(name).add(want.get(name), got.get(name), decomposed);
                }
                samples += batch.values().iterator().next().dim(0);
            }
            if (first == null) {
                throw new CalibrationDataException("No inputs to compare the models on");
            }
            List<OutputFidelity> outputs = new ArrayList<>();
            accumulators.values().forEach(acc -> outputs.add(acc.result()));
            InferenceTiming timing = time(a, b, first, threads, timedRuns);
            return new FidelityReport(samples, outputs, timing);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void checkSameInterface(OrtModel a, OrtModel b) {
        List<String> missing = new ArrayList<>(a.outputNames());
        missing.removeAll(b.outputNames());
        if (!missing.isEmpty()) {
            throw new InferenceException(
                    "Model '"
                            + b.source()
                            + "' lacks output(s) "
                            + missing
                            + " of '"
                            + a.source()
                            + "'; compare a decomposed model with its own original");
        }
        if (!a.inputs().equals(b.inputs())) {
            throw new InferenceException(
                    "Models '"
                            + a.source()
                            + "' and '"
                            + b.source()
                            + "' take different inputs: "
                            + a.inputs()
                            + " vs "
                            + b.inputs());
        }
    }

    private static InferenceTiming time(
            OrtModel a, OrtModel b, Map<String, Tensor> batch, int threads, int runs) {
        Map<String, OnnxTensor> feeds = a.feeds(batch);
        try {
            for (int i = 0; i < WARM_UP_RUNS; i++) {
                a.runDiscarding(feeds);
                b.runDiscarding(feeds);
            }
            double[] ta = new double[runs];
            double[] tb = new double[runs];
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                a.runDiscarding(feeds);
                long mid = System.nanoTime();
                b.runDiscarding(feeds);
                long end = System.nanoTime();
                ta[i] = (mid - start) / 1e6;
                tb[i] = (end - mid) / 1e6;
            }
            int batchSize = batch.values().iterator().next().dim(0);
            return new InferenceTiming(batchSize, runs, threads, median(ta), median(tb));
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The cosine similarity of one sample's output vectors, the figure every fidelity and score in
     * this module is built from: {@code a . b / (|a| |b|)} over the elements {@code [from, to)}; 1
     * when both are zero.
     *
     * @param a the original's output
     * @param b the decomposed model's output
     * @param from the sample's first element
     * @param to past its last element
     * @return the cosine, in {@code [-1, 1]}
     */
    static double cosine(double[] a, double[] b, int from, int to) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = from; i < to; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 && nb == 0 ? 1.0 : dot / Math.sqrt(Math.max(na * nb, Double.MIN_NORMAL));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Running figures of one output. */
    private static final class Accumulator {
        private final String name;
        private long samples;
        private double cosineSum;
        private double minCosine = Double.POSITIVE_INFINITY;
        private double relativeSum;
        private double maxRelative;
        private double maxAbs;
        private long top1Same;
        private boolean classScores = true;

        Accumulator(String name) {
            this.name = name;
        }

        void add(OrtModel.Output want, OrtModel.Output got, Path decomposed) {
            if (!Arrays.equals(want.shape(), got.shape())) {
                throw new InferenceException(
                        "Output '"
                                + name
                                + "' of '"
                                + decomposed
                                + "' has shape "
                                + Arrays.toString(got.shape())
                                + ", the original's "
                                + Arrays.toString(want.shape()));
            }
            long[] shape = want.shape();
            int n = shape.length == 0 ? 1 : (int) shape[0];
            int width = n == 0 ? 0 : want.values().length / n;
            classScores &= shape.length == 2 && shape[1] > 1;
            double[] a = want.values();
            double[] b = got.values();
            for (int s = 0; s < n; s++) {
                double na = 0;
                double diff = 0;
                int bestA = 0;
                int bestB = 0;
                for (int i = s * width; i < (s + 1) * width; i++) {
                    na += a[i] * a[i];
                    double d = b[i] - a[i];
                    diff += d * d;
                    maxAbs = Math.max(maxAbs, Math.abs(d));
                    if (a[i] > a[s * width + bestA]) {
                        bestA = i - s * width;
                    }
                    if (b[i] > b[s * width + bestB]) {
                        bestB = i - s * width;
                    }
                }
                double cosine = cosine(a, b, s * width, (s + 1) * width);
                double relative =
                        na == 0
                                ? (diff == 0 ? 0.0 : Double.POSITIVE_INFINITY)
                                : Math.sqrt(diff / na);
                cosineSum += cosine;
                minCosine = Math.min(minCosine, cosine);
                relativeSum += relative;
                maxRelative = Math.max(maxRelative, relative);
                if (bestA == bestB) {
                    top1Same++;
                }
                samples++;
            }
        }

        OutputFidelity result() {
            return new OutputFidelity(
                    name,
                    samples,
                    samples == 0 ? Double.NaN : cosineSum / samples,
                    samples == 0 ? Double.NaN : minCosine,
                    samples == 0 ? Double.NaN : relativeSum / samples,
                    maxRelative,
                    maxAbs,
                    classScores && samples > 0
                            ? OptionalDouble.of((double) top1Same / samples)
                            : OptionalDouble.empty());
        }
    }
}
