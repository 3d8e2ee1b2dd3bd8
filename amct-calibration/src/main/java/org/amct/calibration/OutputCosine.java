package org.amct.calibration;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.amct.api.graph.Tensor;
import org.amct.onnx.OnnxModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end score of candidate models: how close their outputs stay to the original's on
 * calibration samples, as the lowest over the outputs of the mean per-sample cosine ({@link
 * Fidelity}'s definition, {@link FidelityReport#worstMeanCosine()}). The original model runs once,
 * when this is created, and its outputs on the samples are kept (a few numbers per sample: an
 * embedding, class scores); each candidate is serialized in memory ({@link Candidate#onnx()}),
 * loaded in ONNX Runtime and run on the same samples, which are read again batch by batch, so
 * memory does not grow with the samples beyond those kept outputs.
 *
 * <p>Not thread-safe.
 */
public final class OutputCosine implements CandidateScore {
    private static final Logger LOG = LoggerFactory.getLogger(OutputCosine.class);

    private final Iterable<Map<String, Tensor>> batches;
    private final int threads;
    private final List<String> outputs;
    private final List<Map<String, OrtModel.Output>> expected;
    private final long samples;
    private final double originalSeconds;
    private int evaluations;
    private double seconds;

    private OutputCosine(
            Iterable<Map<String, Tensor>> batches,
            int threads,
            List<String> outputs,
            List<Map<String, OrtModel.Output>> expected,
            long samples,
            double originalSeconds) {
        this.batches = batches;
        this.threads = threads;
        this.outputs = outputs;
        this.expected = expected;
        this.samples = samples;
        this.originalSeconds = originalSeconds;
    }

    /**
     * Runs the original model on the first samples and keeps its outputs.
     *
     * @param original the original model (run from its file)
     * @param batches the samples, a tensor per model input with a leading batch axis; iterated
     *     again for every candidate, so it must give the same batches each time ({@link
     *     CalibrationData} does)
     * @param maxSamples use the batches up to the first that reaches this many samples; 0 means all
     * @param threads ONNX Runtime intra-op threads; 0 means all cores
     * @return the score
     * @throws IOException if the model file or a batch cannot be read
     * @throws InferenceException if ONNX Runtime cannot run the model
     * @throws CalibrationDataException if {@code batches} is empty
     */
    public static OutputCosine measure(
            OnnxModel original, Iterable<Map<String, Tensor>> batches, int maxSamples, int threads)
            throws IOException {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(batches, "batches");
        if (maxSamples < 0) {
            throw new IllegalArgumentException("maxSamples must be >= 0, got " + maxSamples);
        }
        long start = System.nanoTime();
        List<Map<String, OrtModel.Output>> expected = new ArrayList<>();
        long samples = 0;
        List<String> outputs;
        try (OrtModel ort = OrtModel.open(original.file(), threads)) {
            outputs = ort.outputNames();
            for (Map<String, Tensor> batch : batches) {
                if (maxSamples > 0 && samples >= maxSamples) {
                    break;
                }
                expected.add(ort.run(batch, Set.of()));
                samples += batch.values().iterator().next().dim(0);
            }
        }
        if (expected.isEmpty()) {
            throw new CalibrationDataException("No samples to score candidate models on");
        }
        return new OutputCosine(
                batches, threads, outputs, expected, samples, (System.nanoTime() - start) / 1e9);
    }

    /**
     * The score of a candidate: the lowest mean cosine over the outputs, 1 for outputs equal to the
     * original's.
     *
     * @param candidate the model
     * @return in {@code [-1, 1]}
     * @throws IOException if the model cannot be serialized
     * @throws InferenceException if ONNX Runtime cannot run it, or it lacks an output of the
     *     original or gives it another shape
     */
    @Override
    public double score(Candidate candidate) throws IOException {
        return meanCosines(candidate).values().stream()
                .mapToDouble(Double::doubleValue)
                .min()
                .orElse(1.0);
    }

    /**
     * The mean cosine per output of a candidate.
     *
     * @param candidate the model
     * @return output name to mean per-sample cosine, in the original's order
     * @throws IOException if the model cannot be serialized
     * @throws InferenceException if ONNX Runtime cannot run it, or it lacks an output of the
     *     original or gives it another shape
     */
    public Map<String, Double> meanCosines(Candidate candidate) throws IOException {
        long begin = System.nanoTime();
        double[] sums = new double[outputs.size()];
        long counted = 0;
        String name = "candidate " + candidate.ranks().size() + " layers decomposed";
        try (OrtModel ort = OrtModel.fromBytes(candidate.onnx(), name, threads)) {
            candidate.release();
            Iterator<Map<String, Tensor>> it = batches.iterator();
            for (Map<String, OrtModel.Output> want : expected) {
                if (!it.hasNext()) {
                    throw new CalibrationDataException(
                            "The samples changed between runs: fewer batches than the "
                                    + expected.size()
                                    + " the original model ran on");
                }
                Map<String, OrtModel.Output> got = ort.run(it.next(), Set.copyOf(outputs));
                for (int o = 0; o < outputs.size(); o++) {
                    String output = outputs.get(o);
                    OrtModel.Output a = want.get(output);
                    OrtModel.Output b = got.get(output);
                    if (b == null || !Arrays.equals(a.shape(), b.shape())) {
                        throw new InferenceException(
                                "The "
                                        + name
                                        + " gives output '"
                                        + output
                                        + "' "
                                        + (b == null
                                                ? "not at all"
                                                : "of shape " + Arrays.toString(b.shape()))
                                        + "; the original's has shape "
                                        + Arrays.toString(a.shape()));
                    }
                    sums[o] += cosineSum(a, b);
                }
                counted += batchSamples(want);
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        for (int o = 0; o < outputs.size(); o++) {
            means.put(outputs.get(o), sums[o] / counted);
        }
        evaluations++;
        double took = (System.nanoTime() - begin) / 1e9;
        seconds += took;
        LOG.debug("Scored {} on {} samples in {} s: {}", name, counted, took, means);
        return means;
    }

    /** The summed per-sample cosines of one batch of one output. */
    private static double cosineSum(OrtModel.Output a, OrtModel.Output b) {
        long[] shape = a.shape();
        int n = shape.length == 0 ? 1 : (int) shape[0];
        int width = n == 0 ? 0 : a.values().length / n;
        double sum = 0;
        for (int s = 0; s < n; s++) {
            sum += Fidelity.cosine(a.values(), b.values(), s * width, (s + 1) * width);
        }
        return sum;
    }

    /**
     * The same score on the first samples only (whole batches, the original's outputs shared): a
     * cheaper measure for the per-layer curves of a refinement.
     *
     * @param maxSamples the batches up to the first that reaches this many samples; 0 means all
     * @return the score on that prefix (its own counts of evaluations and seconds)
     */
    public OutputCosine prefix(int maxSamples) {
        if (maxSamples < 0) {
            throw new IllegalArgumentException("maxSamples must be >= 0, got " + maxSamples);
        }
        List<Map<String, OrtModel.Output>> kept = new ArrayList<>();
        long n = 0;
        for (Map<String, OrtModel.Output> batch : expected) {
            if (maxSamples > 0 && n >= maxSamples) {
                break;
            }
            kept.add(batch);
            n += batchSamples(batch);
        }
        return new OutputCosine(batches, threads, outputs, kept, n, originalSeconds);
    }

    private long batchSamples(Map<String, OrtModel.Output> batch) {
        long[] shape = batch.get(outputs.get(0)).shape();
        return shape.length == 0 ? 1 : shape[0];
    }

    /**
     * The number of samples scored on.
     *
     * @return the samples of the batches kept
     */
    public long samples() {
        return samples;
    }

    /**
     * How many candidates were scored so far.
     *
     * @return the count
     */
    public int evaluations() {
        return evaluations;
    }

    /**
     * The time spent scoring candidates so far (serializing, loading, running).
     *
     * @return seconds
     */
    public double seconds() {
        return seconds;
    }

    /**
     * The time the original's run took (loading it included).
     *
     * @return seconds
     */
    public double originalSeconds() {
        return originalSeconds;
    }
}
