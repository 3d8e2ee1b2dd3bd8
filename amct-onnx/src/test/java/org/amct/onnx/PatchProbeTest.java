package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.amct.api.PatchLayout;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Padding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The probe branches of {@link OnnxModel#writeWithPatchProbes} compute, in ONNX Runtime, the sum of
 * the outer products of exactly the patches the first new conv sees (kernel axis, stride, padding
 * of the mode), checked against the patches cut out directly here.
 */
class PatchProbeTest {
    private static final int N = 2;
    private static final int H = 15;
    private static final int W = 16;

    @TempDir Path folder;

    /** Channels and kernels that give each mode (7-wide kernels make few channels eligible). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "SCFK, 4, 6, 7, 8, true",
        "SCSK, 4, 6, 8, 7, true",
        "FCFK, 6, 4, 7, 8, true",
        "FCSK, 6, 4, 8, 7, true",
        "SCFK-same, 4, 6, 7, 8, false"
    })
    void sumsAreTheOuterProductsOfTheFirstConvsPatches(
            String mode, int cin, int cout, int kh, int kw, boolean explicitPads)
            throws IOException, OrtException {
        OnnxTestModels m = new OnnxTestModels("probe", 21);
        m.input("x", OnnxConstants.FLOAT, N, cin, H, W);
        ConvSpec spec = new ConvSpec(cin, cout, kh, kw).weightName("c.weight").strides(2, 2);
        if (explicitPads) {
            spec.pads(3, 2, 1, 4);
        } else {
            spec.autoPad("SAME_UPPER");
        }
        String y = m.conv("x", spec);
        m.output(y, OnnxConstants.FLOAT);
        Path file = m.write(folder, "probe.onnx");
        OnnxModel model = OnnxModel.read(file);
        Conv2d conv = (Conv2d) model.graph().find("c").orElseThrow();
        Path probed = folder.resolve("probed.onnx");
        List<PatchProbe> probes =
                model.writeWithPatchProbes(Map.of("c", PatchLayout.extractor(conv)), probed);
        assertEquals(1, probes.size());
        float[] input = new float[N * cin * H * W];
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextDouble(-1, 1);
        }
        Map<String, double[]> out = run(probed, input, cin, probes.get(0));
        double[] sum = out.get("sum");
        double[] shape = out.get("shape");
        int d = PatchLayout.size(conv);
        int k = d / cin;
        boolean alongHeight = mode.startsWith("SCFK") || mode.equals("FCSK");
        Padding pad = conv.padding();
        if (!explicitPads) {
            // SAME_UPPER with stride 2 on 15 x 16: total padding k - 1 (height) and k - 2 (width).
            pad =
                    new Padding(
                            (kh - 1) / 2,
                            (kw - 2) / 2,
                            kh - 1 - (kh - 1) / 2,
                            kw - 2 - (kw - 2) / 2);
        }
        int stride = 2;
        int before = alongHeight ? pad.top() : pad.left();
        int after = alongHeight ? pad.bottom() : pad.right();
        int extent = alongHeight ? H : W;
        int outAlong = (extent + before + after - k) / stride + 1;
        int across = alongHeight ? W : H;
        double[] expected = new double[d * d];
        double[] patch = new double[d];
        long patches = 0;
        for (int n = 0; n < N; n++) {
            for (int a = 0; a < outAlong; a++) {
                for (int b = 0; b < across; b++) {
                    for (int c = 0; c < cin; c++) {
                        for (int t = 0; t < k; t++) {
                            int at = a * stride - before + t;
                            int yy = alongHeight ? at : b;
                            int xx = alongHeight ? b : at;
                            boolean inside = at >= 0 && at < extent;
                            patch[c * k + t] =
                                    inside ? input[((n * cin + c) * H + yy) * W + xx] : 0.0;
                        }
                    }
                    for (int i = 0; i < d; i++) {
                        for (int j = 0; j < d; j++) {
                            expected[i * d + j] += patch[i] * patch[j];
                        }
                    }
                    patches++;
                }
            }
        }
        assertEquals(d, (long) shape[0]);
        assertEquals(patches, (long) shape[1], mode + ": patch count");
        double worst = 0;
        for (int i = 0; i < sum.length; i++) {
            worst = Math.max(worst, Math.abs(sum[i] - expected[i]));
        }
        // The patches are copied exactly (float32 in, one-hot weights): only summation order
        // differs, in float64.
        assertTrue(worst < 1e-9, mode + ": max difference " + worst);
    }

    private static Map<String, double[]> run(Path model, float[] input, int cin, PatchProbe probe)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            try (OrtSession session = env.createSession(model.toString(), options);
                    OnnxTensor x =
                            OnnxTensor.createTensor(
                                    env, FloatBuffer.wrap(input), new long[] {N, cin, H, W});
                    OrtSession.Result result =
                            session.run(Map.of("x", x), Set.of(probe.sum(), probe.shape()))) {
                OnnxTensor sum = (OnnxTensor) result.get(probe.sum()).orElseThrow();
                OnnxTensor shape = (OnnxTensor) result.get(probe.shape()).orElseThrow();
                double[] sums = new double[sum.getDoubleBuffer().remaining()];
                sum.getDoubleBuffer().get(sums);
                long[] dims = new long[2];
                shape.getLongBuffer().get(dims);
                return Map.of("sum", sums, "shape", new double[] {dims[0], dims[1]});
            }
        }
    }

    @Test
    void aLayerNotInTheFileIsRefusedByName() throws IOException {
        OnnxTestModels m = new OnnxTestModels("probe", 22);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 9, 9);
        String y = m.conv("x", new ConvSpec(4, 6, 7, 7).weightName("c.weight"));
        m.output(y, OnnxConstants.FLOAT);
        OnnxModel model = OnnxModel.read(m.write(folder, "one.onnx"));
        Conv2d conv = (Conv2d) model.graph().find("c").orElseThrow();
        ModelMismatchException e =
                assertThrows(
                        ModelMismatchException.class,
                        () ->
                                model.writeWithPatchProbes(
                                        Map.of("nope", PatchLayout.extractor(conv)),
                                        folder.resolve("p.onnx")));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }
}
