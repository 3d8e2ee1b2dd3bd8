package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.OpaqueLayer;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline flow's second half in one call: the Conv2d parameters (what the CLI writes) or a
 * whole state dict, strictly, with a {@link ModelMismatchException} that names the file and the
 * keys; and {@link ModelGraph#convs()}, which both sides use to find the Conv2d layers.
 */
class DecomposedWeightsTest {
    @TempDir Path temp;

    /** TinyNets' model with a batch norm that has parameters of its own. */
    private static ModelGraph model(long seed) {
        ModelGraph base = TinyNets.resnetLike(seed, DType.FLOAT32);
        double[] scale = new double[64];
        java.util.Arrays.fill(scale, seed);
        OpaqueLayer bn =
                new OpaqueLayer(
                        "BatchNorm2d",
                        Map.of("weight", Tensor.fromDoubles(DType.FLOAT32, new int[] {64}, scale)),
                        Map.of());
        return base.replace("bn1", bn);
    }

    private record Run(Path info, Path weights, DecompositionResult online) {}

    private Run online() throws IOException {
        Path info = temp.resolve("decompose_info.json");
        DecompositionResult online = TensorDecompose.autoDecomposition(model(1), info);
        Path weights = temp.resolve("decomposed_weights.safetensors");
        DecomposedWeights.write(online.model(), weights, Map.of("source", "test"));
        return new Run(info, weights, online);
    }

    @Test
    void convsListsEveryConv2dInModelOrderAndTheRootToo() {
        ModelGraph model = model(1);
        assertEquals(
                List.of("conv1", "layer1.0.conv1", "layer1.0.conv2", "head"),
                List.copyOf(model.convs().keySet()));
        Conv2d single = Conv2d.builder(8, 8, Size2d.square(3)).build();
        assertEquals(Map.of("", single), ModelGraph.of(single).convs());
        assertEquals(Map.of(), ModelGraph.of(OpaqueLayer.leaf("ReLU")).convs());
    }

    @Test
    void theCliShapedFileHoldsOnlyConvParametersAndLoadsIntoTheRestructuredModel()
            throws IOException {
        Run run = online();
        Map<String, Tensor> stored = Safetensors.read(run.weights()).tensors();
        assertEquals(
                DecomposedWeights.convParameters(run.online().model()).keySet(), stored.keySet());
        assertTrue(stored.containsKey("layer1.0.conv1.0.weight"), stored.keySet().toString());
        assertTrue(!stored.containsKey("bn1.weight"), "no batch norm in the Conv2d file");

        ModelGraph fresh = model(99);
        ModelGraph restructured = TensorDecompose.decomposeNetwork(fresh, run.info()).model();
        ModelGraph loaded = DecomposedWeights.loadConvParameters(restructured, run.weights());

        Map<String, Tensor> expected = new LinkedHashMap<>(restructured.stateDict());
        expected.putAll(DecomposedWeights.convParameters(run.online().model()));
        assertEquals(expected, loaded.stateDict());
        // The fresh model's own batch norm is kept, not the trained one.
        assertSame(
                restructured.stateDict().get("bn1.weight"), loaded.stateDict().get("bn1.weight"));
        assertNotEquals(
                run.online().model().stateDict().get("bn1.weight"),
                loaded.stateDict().get("bn1.weight"));
    }

    @Test
    void aWholeStateDictLoadsEveryParameter() throws IOException {
        Run run = online();
        Path whole = temp.resolve("state_dict.safetensors");
        Safetensors.write(whole, run.online().model().stateDict(), Map.of());
        ModelGraph restructured = TensorDecompose.decomposeNetwork(model(99), run.info()).model();
        ModelGraph loaded = DecomposedWeights.loadStateDict(restructured, whole);
        assertEquals(run.online().model().stateDict(), loaded.stateDict());
    }

    @Test
    void missingAndExtraKeysNameTheFileAndTheKeysAndChangeNothing() throws IOException {
        Run run = online();
        ModelGraph restructured = TensorDecompose.decomposeNetwork(model(99), run.info()).model();
        Map<String, Tensor> before = restructured.stateDict();

        // The Conv2d-only file is not a whole state dict: the batch norm is missing.
        ModelMismatchException notWhole =
                assertThrows(
                        ModelMismatchException.class,
                        () -> DecomposedWeights.loadStateDict(restructured, run.weights()));
        assertTrue(notWhole.getMessage().contains(run.weights().toString()), notWhole.getMessage());
        assertTrue(notWhole.getMessage().contains("(bn1.weight"), notWhole.getMessage());

        // A file for the original (not restructured) model has the old names.
        Path original = temp.resolve("original.safetensors");
        DecomposedWeights.write(model(1), original, Map.of());
        ModelMismatchException old =
                assertThrows(
                        ModelMismatchException.class,
                        () -> DecomposedWeights.loadConvParameters(restructured, original));
        assertTrue(old.getMessage().contains("original.safetensors"), old.getMessage());
        assertTrue(old.getMessage().contains("layer1.0.conv1.0.weight"), old.getMessage());
        assertTrue(
                old.getMessage().contains("unexpected names 5 (conv1.bias, conv1.weight"),
                old.getMessage());
        assertEquals(before, restructured.stateDict());
    }

    @Test
    void longNameListsAreCutToACountAndTheFirstFive() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (int i = 0; i < 80; i++) {
            names.add(String.format("layer%02d.weight", i));
        }
        assertEquals(
                "80 (layer00.weight, layer01.weight, layer02.weight, layer03.weight,"
                        + " layer04.weight and 75 more)",
                DecomposedWeights.few(names));
        assertEquals("none", DecomposedWeights.few(new java.util.TreeSet<>()));
    }

    @Test
    void aShapeOrTypeThatDiffersNamesTheTensor() throws IOException {
        Run run = online();
        ModelGraph restructured = TensorDecompose.decomposeNetwork(model(99), run.info()).model();
        Map<String, Tensor> tensors =
                new LinkedHashMap<>(DecomposedWeights.convParameters(run.online().model()));
        Tensor bias = tensors.get("head.bias");
        tensors.put("head.bias", Tensor.zeros(DType.FLOAT32, new int[] {bias.shape()[0] + 1}));
        tensors.put("conv1.1.bias", Tensor.zeros(DType.INT64, tensors.get("conv1.1.bias").shape()));
        ModelMismatchException e =
                assertThrows(
                        ModelMismatchException.class,
                        () ->
                                DecomposedWeights.loadConvParameters(
                                        restructured, tensors, "w.safetensors"));
        assertTrue(e.getMessage().startsWith("Weights file 'w.safetensors'"), e.getMessage());
        assertTrue(e.getMessage().contains("2 (conv1.1.bias, head.bias)"), e.getMessage());
        assertTrue(e.getMessage().contains("'head.bias' is"), e.getMessage());
    }

    @Test
    void aMissingFileIsAnIoException() {
        Path missing = temp.resolve("nope.safetensors");
        assertThrows(
                java.nio.file.NoSuchFileException.class,
                () -> DecomposedWeights.loadConvParameters(model(1), missing));
        assertTrue(!Files.exists(missing));
    }
}
