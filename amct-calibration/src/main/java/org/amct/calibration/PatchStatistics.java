package org.amct.calibration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.amct.api.DecompositionOptions;
import org.amct.api.LayerInspection;
import org.amct.api.LayerStatistics;
import org.amct.api.PatchLayout;
import org.amct.api.PatchMoments;
import org.amct.api.TensorDecompose;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Tensor;
import org.amct.onnx.OnnxModel;
import org.amct.onnx.PatchProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input-patch second moments of a model's eligible layers on calibration data
 * (docs/design/ALGORITHM.md section 8), measured with ONNX Runtime on the original model: a copy of
 * the model gets, per layer, a branch that sums the outer products of the patches its first new
 * conv would see ({@link OnnxModel#writeWithPatchProbes}), and each batch adds those {@code d x d}
 * sums, in float64, to running totals. Activations never reach the Java heap, and memory is {@code
 * O(sum of d^2)}, whatever the number of samples.
 *
 * <p>Immutable once collected; thread-safe as a {@link LayerStatistics}.
 */
public final class PatchStatistics implements LayerStatistics {
    private static final Logger LOG = LoggerFactory.getLogger(PatchStatistics.class);

    private final Map<String, PatchMoments> moments;
    private final long samples;
    private final double seconds;

    private PatchStatistics(Map<String, PatchMoments> moments, long samples, double seconds) {
        this.moments = Collections.unmodifiableMap(new LinkedHashMap<>(moments));
        this.samples = samples;
        this.seconds = seconds;
    }

    /**
     * Measures the moments of every eligible layer of a model.
     *
     * @param model the original model
     * @param batches the calibration batches (for example {@link CalibrationData}), a tensor per
     *     model input with a leading batch axis
     * @param threads ONNX Runtime intra-op threads; 0 means all cores
     * @return the statistics
     * @throws IOException if the probe model cannot be written to a temporary folder, or reading
     *     the batches fails (an {@link java.io.UncheckedIOException} of their iterator is rethrown
     *     as its cause)
     * @throws InferenceException if ONNX Runtime fails
     * @throws CalibrationDataException if {@code batches} is empty
     */
    public static PatchStatistics collect(
            OnnxModel model, Iterable<Map<String, Tensor>> batches, int threads)
            throws IOException {
        Map<String, Conv2d> layers = new LinkedHashMap<>();
        for (LayerInspection inspection :
                TensorDecompose.inspect(model.graph(), DecompositionOptions.defaults(), false)) {
            if (inspection.eligible()) {
                layers.put(
                        inspection.name(),
                        (Conv2d) model.graph().find(inspection.name()).orElseThrow());
            }
        }
        return collect(model, layers, batches, threads);
    }

    /**
     * Measures the moments of the given layers.
     *
     * @param model the original model
     * @param layers eligible layers of {@code model.graph()} by name
     * @param batches the calibration batches
     * @param threads ONNX Runtime intra-op threads; 0 means all cores
     * @return the statistics
     * @throws IOException if the probe model cannot be written to a temporary folder, or reading
     *     the batches fails (an {@link java.io.UncheckedIOException} of their iterator is rethrown
     *     as its cause)
     * @throws InferenceException if ONNX Runtime fails
     * @throws CalibrationDataException if {@code batches} is empty
     */
    public static PatchStatistics collect(
            OnnxModel model,
            Map<String, Conv2d> layers,
            Iterable<Map<String, Tensor>> batches,
            int threads)
            throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(batches, "batches");
        long start = System.nanoTime();
        if (layers.isEmpty()) {
            return new PatchStatistics(Map.of(), 0, 0.0);
        }
        Map<String, Conv2d> extractors = new LinkedHashMap<>();
        layers.forEach((name, conv) -> extractors.put(name, PatchLayout.extractor(conv)));
        Path folder = Files.createTempDirectory("amct-calibration-");
        try {
            Path probed = folder.resolve("probed.onnx");
            List<PatchProbe> probes = model.writeWithPatchProbes(extractors, probed);
            Map<String, double[]> sums = new LinkedHashMap<>();
            Map<String, long[]> counts = new LinkedHashMap<>();
            Set<String> wanted = new LinkedHashSet<>();
            for (PatchProbe probe : probes) {
                int d = extractors.get(probe.layer()).outChannels();
                sums.put(probe.layer(), new double[d * d]);
                counts.put(probe.layer(), new long[1]);
                wanted.add(probe.sum());
                wanted.add(probe.shape());
            }
            long samples = 0;
            // Basic optimizations only: the extended ones fuse Transpose into MatMul as
            // FusedMatMul, which ONNX Runtime's CPU provider has for float32 only.
            try (OrtModel ort =
                    OrtModel.open(
                            probed,
                            threads,
                            ai.onnxruntime.OrtSession.SessionOptions.OptLevel.BASIC_OPT)) {
                for (Map<String, Tensor> batch : batches) {
                    Map<String, OrtModel.Output> out = ort.run(batch, wanted);
                    for (PatchProbe probe : probes) {
                        add(sums.get(probe.layer()), out.get(probe.sum()).values());
                        counts.get(probe.layer())[0] += (long) out.get(probe.shape()).values()[1];
                    }
                    samples += batch.values().iterator().next().dim(0);
                }
            } catch (UncheckedIOException e) {
                throw e.getCause(); // the batches' iterator read a file: one I/O policy
            }
            if (samples == 0) {
                throw new CalibrationDataException("The calibration data holds no batch");
            }
            Map<String, PatchMoments> moments = new LinkedHashMap<>();
            for (PatchProbe probe : probes) {
                double[] sum = sums.get(probe.layer());
                long count = counts.get(probe.layer())[0];
                for (int i = 0; i < sum.length; i++) {
                    sum[i] /= count;
                }
                int d = extractors.get(probe.layer()).outChannels();
                moments.put(probe.layer(), new PatchMoments(d, sum, count));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info(
                    "Patch statistics of {} layers from {} samples in {} s",
                    moments.size(),
                    samples,
                    seconds);
            return new PatchStatistics(moments, samples, seconds);
        } finally {
            deleteTree(folder);
        }
    }

    private static void add(double[] sum, double[] batch) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += batch[i];
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.forEach(paths::add);
        }
        Collections.reverse(paths);
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }

    @Override
    public Optional<PatchMoments> moments(String layer, Conv2d conv) {
        return Optional.ofNullable(moments.get(layer));
    }

    /**
     * The moments per layer.
     *
     * @return an unmodifiable map in model order
     */
    public Map<String, PatchMoments> all() {
        return moments;
    }

    /**
     * The number of calibration samples the moments were measured on.
     *
     * @return the sample count
     */
    public long samples() {
        return samples;
    }

    /**
     * The time the measurement took, writing the probe model included.
     *
     * @return seconds
     */
    public double seconds() {
        return seconds;
    }
}
