package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.amct.api.decompose.Unfolding;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference procedure end to end: decompose online, save, restructure offline, load. */
class OfflineFlowTest {
    /** A small constant of the error bounds below: they hold with room, not by a wide margin. */
    private static final double C = 4;

    @TempDir Path temp;

    @Test
    void offlineRestructureAndLoadGivesTheOnlineModel() throws IOException {
        ModelGraph trained = TinyNets.resnetLike(1, DType.FLOAT32);
        Path info = temp.resolve("decompose_info.json");
        DecompositionResult online = TensorDecompose.autoDecomposition(trained, info);
        assertEquals(
                Map.of(
                        "conv1", List.of("conv1.0", "conv1.1"),
                        "layer1.0.conv1", List.of("layer1.0.conv1.0", "layer1.0.conv1.1"),
                        "layer1.0.conv2", List.of("layer1.0.conv2.0", "layer1.0.conv2.1")),
                online.changes());
        assertEquals(List.of("head"), online.skipped().stream().map(SkippedLayer::name).toList());
        Path weights = temp.resolve("decomposed.safetensors");
        Safetensors.write(weights, online.model().stateDict(), Map.of("source", "test"));

        ModelGraph fresh = TinyNets.resnetLike(99, DType.FLOAT32);
        NetworkDecomposition offline = TensorDecompose.decomposeNetwork(fresh, info);
        assertEquals(online.changes(), offline.changes());
        ModelGraph loaded = offline.model().loadStateDict(Safetensors.read(weights).tensors());

        assertEquals(online.model().stateDict(), loaded.stateDict());
        for (String name : online.changes().keySet()) {
            int channels = ((Conv2d) trained.find(name).orElseThrow()).inChannels();
            double[][][] input = ConvForward.randomInput(channels, 9, 9, 7);
            double[][][] expected = pair(online.model(), name, input);
            double[][][] actual = pair(loaded, name, input);
            assertEquals(0.0, ConvForward.relativeMaxDifference(expected, actual), name);
        }
    }

    @Test
    void fullRankDecompositionComputesWhatTheOriginalDoes() throws java.io.IOException {
        ModelGraph model = TinyNets.resnetLike(2, DType.FLOAT64);
        DecompositionResult result =
                TensorDecompose.autoDecomposition(
                        model, DecompositionOptions.builder().rankPolicy(RankPolicy.FULL).build());
        assertFalse(result.changes().isEmpty(), "something was decomposed");
        for (LayerReport layer : result.layers()) {
            String name = layer.name();
            Conv2d original = (Conv2d) model.find(name).orElseThrow();
            Unfolding unfolding = Unfolding.of(original);
            int n = Math.min(unfolding.rows(), unfolding.cols());
            int m = Math.max(unfolding.rows(), unfolding.cols());
            int patch =
                    original.inChannels()
                            * original.kernelSize().height()
                            * original.kernelSize().width();
            double eps = Math.ulp(1.0);
            // Full rank reproduces W up to the factorization's backward error, at most a small
            // multiple of sqrt(m) n eps ||W|| for an n x m unfolding (n <= m).
            double weightBound = C * Math.sqrt(m) * n * eps;
            assertTrue(
                    layer.relativeError() <= weightBound,
                    name + ": relative error " + layer.relativeError() + " > " + weightBound);
            // Each output is a row of W times an input patch, |patch| <= sqrt(K) max|x| (K its
            // length), so |y - y'| <= (||W - W'|| + the float64 rounding of the K-term sums,
            // about K eps ||W||) sqrt(K) max|x|.
            double[][][] input = ConvForward.randomInput(original.inChannels(), 8, 7, 3);
            double outputBound =
                    C
                            * (Math.sqrt(m) * n + patch)
                            * eps
                            * frobenius(original)
                            * Math.sqrt(patch)
                            * maxAbs(input);
            double[][][] expected = ConvForward.apply(original, input);
            double[][][] actual = pair(result.model(), name, input);
            double difference = maxDifference(expected, actual);
            assertTrue(
                    difference <= outputBound,
                    name + ": full-rank output differs by " + difference + " > " + outputBound);
        }
    }

    private static double frobenius(Conv2d conv) {
        double sum = 0;
        for (double w : conv.weight().toDoubles()) {
            sum += w * w;
        }
        return Math.sqrt(sum);
    }

    private static double maxAbs(double[][][] values) {
        double max = 0;
        for (double[][] plane : values) {
            for (double[] row : plane) {
                for (double v : row) {
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        return max;
    }

    private static double maxDifference(double[][][] expected, double[][][] actual) {
        double max = 0;
        for (int c = 0; c < expected.length; c++) {
            for (int y = 0; y < expected[c].length; y++) {
                for (int x = 0; x < expected[c][y].length; x++) {
                    max = Math.max(max, Math.abs(expected[c][y][x] - actual[c][y][x]));
                }
            }
        }
        return max;
    }

    @Test
    void theInputModelIsLeftUnchanged() {
        ModelGraph model = TinyNets.resnetLike(3, DType.FLOAT32);
        ModelSnapshot before = ModelSnapshot.of(model);
        DecompositionResult result = TensorDecompose.autoDecomposition(model);
        assertFalse(result.changes().isEmpty(), "something was decomposed");
        before.assertUnchanged(model);
    }

    @Test
    void noInfoFileIsWrittenWhenNothingIsEligible() throws IOException {
        ModelGraph model =
                ModelGraph.builder("Small")
                        .add(
                                "conv",
                                TinyNets.conv(
                                        16,
                                        16,
                                        3,
                                        1,
                                        1,
                                        true,
                                        new java.util.SplittableRandom(1),
                                        DType.FLOAT32))
                        .build();
        Path info = temp.resolve("info.json");
        DecompositionResult result = TensorDecompose.autoDecomposition(model, info);
        assertTrue(result.changes().isEmpty());
        assertTrue(result.decomposeInfoFile().isEmpty());
        assertFalse(Files.exists(info));
        assertEquals(
                "min channels 16 < 64 with a kernel side 3 < 7", result.skipped().get(0).reason());
    }

    @Test
    void aModelThatIsOneConvBecomesATwoLayerModel() {
        Conv2d conv =
                TinyNets.conv(
                        64, 64, 3, 1, 1, true, new java.util.SplittableRandom(5), DType.FLOAT32);
        DecompositionResult result = TensorDecompose.autoDecomposition(ModelGraph.of(conv));
        assertEquals(Map.of("", List.of("0", "1")), result.changes());
        assertEquals(
                List.of("0.weight", "1.weight", "1.bias"),
                List.copyOf(result.model().stateDict().keySet()));
    }

    @Test
    void layersSharingAWeightShareTheirFactors() {
        Conv2d conv =
                TinyNets.conv(
                        64, 64, 3, 1, 1, false, new java.util.SplittableRandom(6), DType.FLOAT32);
        Conv2d strided = conv.toBuilder().stride(org.amct.api.graph.Size2d.square(2)).build();
        ModelGraph model = ModelGraph.builder("Shared").add("a", conv).add("b", strided).build();
        DecompositionResult result = TensorDecompose.autoDecomposition(model);
        Map<String, Tensor> dict = result.model().stateDict();
        assertTrue(dict.get("a.0.weight") == dict.get("b.0.weight"), "first weights shared");
        assertTrue(dict.get("a.1.weight") == dict.get("b.1.weight"), "last weights shared");
        Conv2d bFirst = (Conv2d) result.model().find("b.0").orElseThrow();
        assertEquals(2, bFirst.stride().height());
    }

    @Test
    void float16LayersStayFloat16() {
        ModelGraph model = TinyNets.resnetLike(4, DType.FLOAT16);
        DecompositionResult result = TensorDecompose.autoDecomposition(model);
        Conv2d first = (Conv2d) result.model().find("layer1.0.conv1.0").orElseThrow();
        assertEquals(DType.FLOAT16, first.weight().dtype());
        assertTrue(first.weight().firstNonFiniteIndex() < 0);
    }

    /** Runs the two convs that replaced {@code name}. */
    private static double[][][] pair(ModelGraph model, String name, double[][][] input) {
        Conv2d first = (Conv2d) model.find(name + ".0").orElseThrow();
        Conv2d last = (Conv2d) model.find(name + ".1").orElseThrow();
        return ConvForward.apply(last, ConvForward.apply(first, input));
    }
}
