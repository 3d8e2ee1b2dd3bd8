package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.amct.api.DecomposedWeights;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.RankPolicy;
import org.amct.api.TensorDecompose;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tensor data stays in memory maps of the model's files, not in the heap, and what is written from
 * them is byte for byte what the heap path (files read into the heap, as where they cannot be
 * mapped) writes.
 */
class OnnxMappedDataTest {
    /** Every layer decomposed (the random weights have no low rank for the automatic rule). */
    private static final DecompositionOptions FULL =
            DecompositionOptions.builder().rankPolicy(RankPolicy.FULL).threads(1).build();

    @TempDir Path folder;

    /** Where a model keeps its tensors, and how it is written. */
    enum Layout {
        /** Every tensor in the model file's raw_data; the output too. */
        SINGLE_FILE,
        /** Conv weights in an external data file; so the output keeps its data outside. */
        EXTERNAL_SOURCE,
        /** Every tensor in the model file; the output moves them to its data file. */
        EXTERNAL_OUTPUT
    }

    private Path model(Layout layout) throws IOException {
        ConvSpec.Source source =
                layout == Layout.EXTERNAL_SOURCE
                        ? ConvSpec.Source.EXTERNAL
                        : ConvSpec.Source.INITIALIZER;
        OnnxTestModels m = new OnnxTestModels("mapped", 17);
        m.input("x", OnnxConstants.FLOAT, 1, 64, 9, 9);
        String y =
                m.conv(
                        "x",
                        ConvSpec.of(64, 64, 3)
                                .pads(1, 1, 1, 1)
                                .weightName("a.weight")
                                .source(source));
        y = m.relu(y);
        // A 1x1 conv is left as it is: its tensors are carried over (from external data too).
        y = m.conv(y, ConvSpec.of(64, 64, 1).weightName("b.weight").source(source));
        y = m.batchNorm("bn", y, 64);
        // A constant node with its tensor in raw_data, carried through unchanged.
        m.addConstant("scale", m.around(new int[] {1}, 2.0, 0.1), ConvSpec.Source.CONSTANT_NODE);
        y = m.node("Mul", y, "scale");
        m.renameLastOutput("y");
        m.output("y", OnnxConstants.FLOAT, 1, 64, 9, 9);
        return m.write(Files.createDirectories(folder.resolve(layout.name())), "m.onnx");
    }

    @Test
    void tensorBytesAreViewsOfTheMapsNotHeapCopies() throws IOException {
        for (Layout layout : List.of(Layout.SINGLE_FILE, Layout.EXTERNAL_SOURCE)) {
            Path file = model(layout);
            OnnxModel mapped = OnnxModel.read(file);
            OnnxModel heap = OnnxModel.read(file, () -> Long.MAX_VALUE, false);
            for (String name : List.of("a", "b")) {
                Conv2d conv = mapped.graph().convs().get(name);
                assertTrue(conv.weight().data().isDirect(), layout + " " + name + " mapped");
                Conv2d read = heap.graph().convs().get(name);
                assertFalse(read.weight().data().isDirect(), layout + " " + name + " heap");
                assertEquals(read.weight(), conv.weight(), layout + " " + name);
            }
            assertTrue(mapped.otherParameters().get("bn.running_var").data().isDirect());
        }
    }

    @Test
    void aFileLargerThanTheHeapLeftIsMappedAndRead() throws IOException {
        OnnxTestModels m = new OnnxTestModels("large", 3);
        m.input("x", OnnxConstants.FLOAT, 1, 64, 5, 5);
        m.conv("x", ConvSpec.of(64, 64, 3).weightName("big.weight"));
        m.renameLastOutput("y");
        m.output("y", OnnxConstants.FLOAT, 1, 64, 3, 3);
        Path file = m.write(folder, "large.onnx");
        long size = Files.size(file);
        // Only the structure needs heap: a budget of a quarter of the file is enough mapped, and
        // refused before reading where the file would be read into the heap.
        OnnxModel model = OnnxModel.read(file, () -> size / 4);
        assertEquals(1, model.graph().convs().size());
        assertThrows(ModelFormatException.class, () -> OnnxModel.read(file, () -> size / 4, false));
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void writingFromTheMapsGivesTheBytesOfTheHeapPath(Layout layout) throws IOException {
        Path file = model(layout);
        Map<String, byte[]> before = snapshot(file.getParent());
        OnnxWriteOptions options =
                layout == Layout.EXTERNAL_OUTPUT
                        ? new OnnxWriteOptions(0, OnnxWriteOptions.DEFAULT_EXTERNAL_DATA_MIN_BYTES)
                        : OnnxWriteOptions.defaults();
        Map<String, byte[]> mapped = decomposeAndWrite(OnnxModel.read(file), options, "mapped");
        Map<String, byte[]> heap =
                decomposeAndWrite(
                        OnnxModel.read(file, () -> Long.MAX_VALUE, false), options, "heap");
        assertEquals(heap.keySet(), mapped.keySet());
        assertEquals(layout != Layout.SINGLE_FILE, mapped.containsKey("out.onnx.data"));
        for (String name : heap.keySet()) {
            assertArrayEquals(heap.get(name), mapped.get(name), layout + ": " + name);
        }
        // The inputs are as they were.
        Map<String, byte[]> after = snapshot(file.getParent());
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));
    }

    /** Decomposes, writes the model and its state dict, and returns the files by name. */
    private Map<String, byte[]> decomposeAndWrite(
            OnnxModel model, OnnxWriteOptions options, String name) throws IOException {
        DecompositionResult result = TensorDecompose.autoDecomposition(model.graph(), FULL);
        assertFalse(result.changes().isEmpty(), "nothing was decomposed");
        Path out = Files.createDirectories(folder.resolve("out-" + name));
        model.write(result.model(), out.resolve("out.onnx"), options);
        Map<String, Tensor> stateDict =
                new LinkedHashMap<>(DecomposedWeights.convParameters(result.model()));
        model.otherParameters().forEach(stateDict::putIfAbsent);
        Safetensors.write(out.resolve("weights.safetensors"), stateDict, Map.of());
        return snapshot(out);
    }

    @Test
    void changedParametersAreWrittenFromTheirOwnBytes() throws IOException {
        Path file = model(Layout.SINGLE_FILE);
        OnnxModel model = OnnxModel.read(file);
        Tensor var = model.otherParameters().get("bn.running_var");
        double[] values = var.toDoubles();
        values[0] += 1;
        Tensor changed = Tensor.fromDoubles(DType.FLOAT32, var.shape(), values);
        Path out = folder.resolve("changed.onnx");
        model.write(model.graph(), Map.of("bn.running_var", changed), out, defaults());
        OnnxModel again = OnnxModel.read(out);
        assertEquals(changed, again.otherParameters().get("bn.running_var"));
        assertEquals(
                model.otherParameters().get("bn.running_mean"),
                again.otherParameters().get("bn.running_mean"));
    }

    private static OnnxWriteOptions defaults() {
        return OnnxWriteOptions.defaults();
    }

    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }
}
