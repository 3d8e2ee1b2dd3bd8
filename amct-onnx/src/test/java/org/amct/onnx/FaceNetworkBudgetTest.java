package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amct.api.CompressionTarget;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerReport;
import org.amct.api.TensorDecompose;
import org.amct.api.graph.Size2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real face network of {@code ../shared/fixtures} (run only where that folder exists): the
 * reference rule against a parameter target at the reference rule's own budget, measured as the
 * cosine of each calibration chip's embedding to the original network's, in ONNX Runtime. The
 * numbers are printed and written to {@code target/face-budget.txt}.
 */
@EnabledIf("fixturesPresent")
class FaceNetworkBudgetTest {
    private static final Path FIXTURES = Path.of("..", "..", "shared", "fixtures");
    private static final Path MODEL = FIXTURES.resolve("models").resolve("face_resnet.onnx");
    private static final Path FACES = FIXTURES.resolve("faces");
    private static final int SIDE = 150;
    private static final int CHIP = 3 * SIDE * SIDE;

    @TempDir Path folder;

    static boolean fixturesPresent() {
        return Files.isRegularFile(MODEL)
                && Files.isRegularFile(FACES.resolve("calibration_faces.npy"))
                && Files.isRegularFile(FACES.resolve("calibration_augmented.npy"));
    }

    @Test
    void targetAtTheReferenceBudgetKeepsTheEmbeddingCloser() throws Exception {
        OnnxModel onnx = OnnxModel.read(MODEL);
        Map<String, Size2d> sizes = onnx.convInputSizes();
        assertEquals(29, sizes.size(), "every conv's input size is inferred");
        assertEquals(new Size2d(150, 150), sizes.get("conv32_down"));

        DecompositionResult reference =
                TensorDecompose.autoDecomposition(
                        onnx.graph(), DecompositionOptions.builder().inputSizes(sizes).build());
        long before = reference.totals().paramsBefore();
        double fraction = (double) reference.totals().paramsAfter() / before;
        DecompositionResult budget =
                TensorDecompose.autoDecomposition(
                        onnx.graph(),
                        DecompositionOptions.builder()
                                .inputSizes(sizes)
                                .target(CompressionTarget.params(fraction))
                                .build());
        long limit = budget.target().orElseThrow().limit();
        long after = budget.totals().paramsAfter();
        assertEquals(after, budget.target().get().after());
        assertTrue(after <= limit, after + " > " + limit);
        long step =
                budget.layers().stream()
                        .mapToLong(l -> 16L * (l.paramsAfter() - bias(l)) / l.rank())
                        .max()
                        .orElseThrow();
        assertTrue(limit - after < step, "slack " + (limit - after) + " >= one step " + step);

        Path referenceFile = folder.resolve("reference.onnx");
        Path budgetFile = folder.resolve("budget.onnx");
        onnx.write(reference.model(), referenceFile);
        onnx.write(budget.model(), budgetFile);
        float[] chips = chips();
        float[][] original = embeddings(MODEL, chips);
        double[] ref = cosines(embeddings(referenceFile, chips), original);
        double[] bud = cosines(embeddings(budgetFile, chips), original);
        String summary =
                String.format(
                        Locale.ROOT,
                        "face_resnet, %d calibration chips, ONNX Runtime%n"
                                + "reference rule: Conv2d params %,d -> %,d (%.4f), %d layers"
                                + " decomposed, cosine mean %.4f min %.4f%n"
                                + "target-params %.6f: Conv2d params %,d -> %,d (%.4f, limit %,d),"
                                + " %d layers decomposed, cosine mean %.4f min %.4f%n"
                                + "budget ranks: %s%n",
                        chips.length / CHIP,
                        before,
                        reference.totals().paramsAfter(),
                        fraction,
                        reference.layers().size(),
                        mean(ref),
                        min(ref),
                        fraction,
                        before,
                        after,
                        (double) after / before,
                        limit,
                        budget.layers().size(),
                        mean(bud),
                        min(bud),
                        budget.layers().stream().map(l -> l.name() + "=" + l.rank()).toList());
        System.out.print(summary);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "face-budget.txt"), summary, StandardCharsets.UTF_8);
        assertTrue(mean(bud) > mean(ref) + 0.03, summary);
    }

    private static long bias(LayerReport layer) {
        return layer.paramsBefore()
                - (long) layer.inChannels()
                        * layer.outChannels()
                        * layer.kernelSize().height()
                        * layer.kernelSize().width();
    }

    /** The 135 chips as float32 NCHW: the 9 faces, then the 126 augmented ones cast from uint8. */
    private static float[] chips() throws IOException {
        float[] faces = npy(FACES.resolve("calibration_faces.npy"), "<f4");
        float[] augmented = npy(FACES.resolve("calibration_augmented.npy"), "|u1");
        float[] all = Arrays.copyOf(faces, faces.length + augmented.length);
        System.arraycopy(augmented, 0, all, faces.length, augmented.length);
        assertEquals(135L * CHIP, all.length);
        return all;
    }

    /** A C-ordered .npy array of float32 or uint8, as floats. */
    private static float[] npy(Path file, String descr) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLength = major == 1 ? in.getShort(8) & 0xffff : in.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLength;
        String header =
                new String(bytes, major == 1 ? 10 : 12, headerLength, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'descr': '" + descr + "'"), file + ": " + header);
        assertTrue(header.contains("'fortran_order': False"), file + ": " + header);
        Matcher shape = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
        assertTrue(shape.find(), header);
        long count = 1;
        for (String dim : shape.group(1).split(",")) {
            if (!dim.isBlank()) {
                count *= Long.parseLong(dim.trim());
            }
        }
        float[] out = new float[(int) count];
        if (descr.equals("<f4")) {
            in.position(dataStart);
            in.asFloatBuffer().get(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = bytes[dataStart + i] & 0xff;
            }
        }
        return out;
    }

    private static float[][] embeddings(Path model, float[] chips) throws OrtException {
        int n = chips.length / CHIP;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(model.toString(), options)) {
                String input = session.getInputNames().iterator().next();
                float[][] out = new float[n][];
                int batch = 1; // the graph fixes N = 1
                for (int start = 0; start < n; start += batch) {
                    int size = Math.min(batch, n - start);
                    FloatBuffer data = FloatBuffer.wrap(chips, start * CHIP, size * CHIP).slice();
                    try (OnnxTensor tensor =
                                    OnnxTensor.createTensor(
                                            env, data, new long[] {size, 3, SIDE, SIDE});
                            OrtSession.Result result = session.run(Map.of(input, tensor))) {
                        float[][] values = (float[][]) result.get(0).getValue();
                        System.arraycopy(values, 0, out, start, size);
                    }
                }
                return out;
            }
        }
    }

    private static double[] cosines(float[][] actual, float[][] expected) {
        double[] out = new double[actual.length];
        for (int i = 0; i < out.length; i++) {
            double dot = 0;
            double a = 0;
            double b = 0;
            for (int k = 0; k < actual[i].length; k++) {
                dot += (double) actual[i][k] * expected[i][k];
                a += (double) actual[i][k] * actual[i][k];
                b += (double) expected[i][k] * expected[i][k];
            }
            out[i] = dot / Math.sqrt(a * b);
        }
        return out;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }
}
