package org.amct.api.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelGraphTest {
    private static ModelGraph model() {
        return ModelGraph.builder("Net")
                .add("conv1", Conv2d.builder(3, 8, Size2d.square(3)).build())
                .add(
                        "bn",
                        new OpaqueLayer(
                                "BatchNorm2d",
                                Map.of("weight", Tensor.ofFloats(new int[] {8}, new float[8])),
                                Map.of()))
                .add(
                        "block",
                        ModelGraph.builder("Sequential")
                                .add(
                                        "0",
                                        Conv2d.builder(8, 8, Size2d.square(3))
                                                .withBias(false)
                                                .build())
                                .buildLayer())
                .build();
    }

    @Test
    void namesLayersAndParametersWithDottedPathsInModelOrder() {
        assertEquals(
                List.of("conv1", "bn", "block", "block.0"), List.copyOf(model().layers().keySet()));
        assertEquals(
                List.of("conv1.weight", "conv1.bias", "bn.weight", "block.0.weight"),
                List.copyOf(model().stateDict().keySet()));
        assertTrue(model().find("block.0").orElseThrow() instanceof Conv2d);
        assertTrue(model().find("block.1").isEmpty());
        assertTrue(model().find("").orElseThrow() instanceof OpaqueLayer);
    }

    @Test
    void replaceReturnsANewGraphAndLeavesTheOldOne() {
        ModelGraph before = model();
        ModelGraph after = before.replace("block.0", OpaqueLayer.leaf("Identity"));
        assertEquals("Conv2d", before.find("block.0").orElseThrow().typeName());
        assertEquals("Identity", after.find("block.0").orElseThrow().typeName());
        assertTrue(
                before.find("conv1").get() == after.find("conv1").get(), "untouched layers shared");
        assertThrows(
                IllegalArgumentException.class,
                () -> before.replace("nope", OpaqueLayer.leaf("X")));
    }

    @Test
    void loadStateDictIsStrictAndNamesTheKeys() {
        ModelGraph m = model();
        Map<String, Tensor> dict = new LinkedHashMap<>(m.stateDict());
        dict.remove("bn.weight");
        dict.put("extra.weight", Tensor.ofFloats(new int[] {1}, new float[1]));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(dict));
        assertEquals(
                "State dict does not match the model: missing keys 1 (bn.weight); unexpected keys 1"
                        + " (extra.weight)",
                e.getMessage());
        Map<String, Tensor> wrongShape = new LinkedHashMap<>(m.stateDict());
        wrongShape.put("conv1.bias", Tensor.ofFloats(new int[] {9}, new float[9]));
        e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(wrongShape));
        assertEquals(
                "State dict key 'conv1.bias' has shape [9] but the model expects [8]",
                e.getMessage());
    }

    @Test
    void loadStateDictReplacesTensorsAndConvertsFloatTypes() {
        ModelGraph m = model();
        Map<String, Tensor> dict = new LinkedHashMap<>(m.stateDict());
        dict.put(
                "conv1.bias",
                Tensor.ofDoubles(new int[] {8}, new double[] {1, 2, 3, 4, 5, 6, 7, 8}));
        ModelGraph loaded = m.loadStateDict(dict);
        Tensor bias = loaded.stateDict().get("conv1.bias");
        assertEquals(DType.FLOAT32, bias.dtype());
        assertEquals(8.0, bias.getDouble(7));
    }

    @Test
    void convRejectsAWeightThatDoesNotFit() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Conv2d.builder(3, 8, Size2d.square(3))
                                        .weight(Tensor.zeros(DType.FLOAT32, new int[] {8, 3, 3, 1}))
                                        .build());
        assertEquals(
                "Weight shape [8, 3, 3, 1] does not fit the layer: expected [8, 3, 3, 3]",
                e.getMessage());
    }

    @Test
    void halfFloatConversionsRoundTripAndRoundToNearestEven() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = HalfFloats.halfToFloat((short) bits);
            if (!Float.isNaN(f)) {
                assertEquals((short) bits, HalfFloats.floatToHalf(f), "half bits " + bits);
            }
        }
        assertEquals(1.0f, HalfFloats.halfToFloat(HalfFloats.floatToHalf(1.0004f)));
        assertEquals(0x7c00, HalfFloats.floatToHalf(1e6f) & 0xffff);
        assertEquals(1.0f, HalfFloats.bfloat16ToFloat(HalfFloats.floatToBfloat16(1.001f)));
    }
}
