package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.NetworkDecomposition;
import org.amct.api.RankPolicy;
import org.amct.api.TensorDecompose;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decomposed models written back as ONNX run in ONNX Runtime and compute what they should. */
class OnnxDecompositionTest {
    /** float32 models at full rank: the two convs recompute the original up to rounding. */
    private static final double FULL_RANK_TOLERANCE = 1e-4;

    /** float16 models at full rank: the new weights are rounded to float16 once more. */
    private static final double HALF_TOLERANCE = 2e-2;

    private static final DecompositionOptions FULL =
            DecompositionOptions.builder().rankPolicy(RankPolicy.FULL).threads(1).build();

    private static final DecompositionOptions AUTO =
            DecompositionOptions.builder().threads(1).build();

    @TempDir Path folder;

    private Path write(ModelProto model, String name) throws IOException {
        return Files.write(folder.resolve(name), model.toByteArray());
    }

    /** Decomposes, writes, runs both models and returns the largest relative difference. */
    private double decomposeAndCompare(Path file, DecompositionOptions options, int spatial)
            throws IOException, OrtException {
        OnnxModel model = OnnxModel.read(file);
        DecompositionResult result = TensorDecompose.autoDecomposition(model.graph(), options);
        assertFalse(result.changes().isEmpty(), "nothing was decomposed");
        Path out = folder.resolve("decomposed_" + file.getFileName());
        model.write(result.model(), out);
        return compare(file, out, spatial);
    }

    private static double compare(Path original, Path changed, int spatial) throws OrtException {
        Map<String, OrtRunner.Output> expected = OrtRunner.run(original, 7, spatial);
        Map<String, OrtRunner.Output> actual = OrtRunner.run(changed, 7, spatial);
        assertEquals(expected.keySet(), actual.keySet());
        double worst = 0;
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).shape(), actual.get(name).shape(), name);
            worst =
                    Math.max(
                            worst,
                            OrtRunner.relativeDifference(
                                    actual.get(name).values(), expected.get(name).values()));
        }
        return worst;
    }

    @Test
    void fullRankExampleComputesTheSameOutputs() throws Exception {
        Path file = write(ExampleModels.tinyResNet(), "tiny.onnx");
        double difference = decomposeAndCompare(file, FULL, 0);
        assertTrue(difference < FULL_RANK_TOLERANCE, "relative difference " + difference);
    }

    @Test
    void automaticRankKeepsOutputShapesAndDropsOldWeights() throws Exception {
        Path file = write(ExampleModels.tinyResNet(), "tiny.onnx");
        OnnxModel model = OnnxModel.read(file);
        DecompositionResult result = TensorDecompose.autoDecomposition(model.graph(), AUTO);
        assertEquals(
                List.of("layer1.0.conv1", "layer1.0.conv2", "layer2.0.conv1", "layer2.0.conv2"),
                List.copyOf(result.changes().keySet()));
        Path out = folder.resolve("out.onnx");
        model.write(result.model(), out);
        compare(file, out, 0);
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(out));
        List<String> initializers =
                written.getGraph().getInitializerList().stream().map(TensorProto::getName).toList();
        assertFalse(initializers.contains("layer1.0.conv1.weight"));
        assertTrue(initializers.contains("layer2.0.conv2.0.weight"));
        assertTrue(initializers.contains("layer2.0.conv2.1.weight"));
        assertTrue(initializers.contains("conv1.weight"));
        assertTrue(initializers.contains("layer1.0.bn1.running_var"));
        assertTrue(
                Files.size(out) < Files.size(file),
                "decomposed file is " + Files.size(out) + " bytes, original " + Files.size(file));
    }

    @Test
    void asymmetricPadsStridesAndAutoPadStayExact() throws Exception {
        OnnxTestModels m = new OnnxTestModels("pads", 3);
        m.input("x", OnnxConstants.FLOAT, 1, 64, 11, 13);
        String y =
                m.conv(
                        "x",
                        ConvSpec.of(64, 64, 3)
                                .weightName("a.weight")
                                .strides(2, 1)
                                .pads(1, 0, 2, 1));
        y =
                m.conv(
                        y,
                        new ConvSpec(64, 96, 3, 5)
                                .weightName("b.weight")
                                .strides(1, 2)
                                .autoPad("SAME_UPPER"));
        y =
                m.conv(
                        y,
                        new ConvSpec(96, 64, 5, 3)
                                .weightName("c.weight")
                                .strides(2, 2)
                                .autoPad("SAME_LOWER"));
        m.conv(y, ConvSpec.of(64, 64, 3).weightName("d.weight").autoPad("VALID"));
        m.renameLastOutput("y");
        m.output("y", OnnxConstants.FLOAT, 1, 64, -1, -1);
        Path file = write(m.build(), "pads.onnx");
        // 11 x 13 is odd against stride 2: SAME padding depends on the input size there.
        double difference = decomposeAndCompare(file, FULL, 0);
        assertTrue(difference < FULL_RANK_TOLERANCE, "relative difference " + difference);
    }

    @Test
    void float16ModelsStayFloat16() throws Exception {
        OnnxTestModels m = new OnnxTestModels("half", 4);
        m.input("x", OnnxConstants.FLOAT, 1, 64, 8, 8);
        String y = m.cast("x", OnnxConstants.FLOAT16);
        y =
                m.conv(
                        y,
                        ConvSpec.of(64, 64, 3)
                                .weightName("h.weight")
                                .same(1)
                                .dtype(DType.FLOAT16)
                                .source(ConvSpec.Source.FLOAT_DATA));
        m.cast(y, OnnxConstants.FLOAT);
        m.renameLastOutput("y");
        m.output("y", OnnxConstants.FLOAT, 1, 64, 8, 8);
        Path file = write(m.build(), "half.onnx");
        double difference = decomposeAndCompare(file, FULL, 0);
        assertTrue(difference < HALF_TOLERANCE, "relative difference " + difference);
        ModelProto written =
                ModelProto.parseFrom(Files.readAllBytes(folder.resolve("decomposed_half.onnx")));
        for (TensorProto tensor : written.getGraph().getInitializerList()) {
            assertEquals(OnnxConstants.FLOAT16, tensor.getDataType(), tensor.getName());
        }
    }

    @Test
    void constantNodeWeightsAreReplacedAndDropped() throws Exception {
        OnnxTestModels m = new OnnxTestModels("constants", 5);
        m.input("x", OnnxConstants.FLOAT, 1, 64, 8, 8);
        String y =
                m.conv(
                        "x",
                        ConvSpec.of(64, 64, 3)
                                .weightName("k.weight")
                                .same(1)
                                .source(ConvSpec.Source.CONSTANT_NODE));
        m.relu(y);
        m.renameLastOutput("y");
        m.output("y", OnnxConstants.FLOAT, 1, 64, 8, 8);
        Path file = write(m.build(), "constants.onnx");
        double difference = decomposeAndCompare(file, FULL, 0);
        assertTrue(difference < FULL_RANK_TOLERANCE, "relative difference " + difference);
        ModelProto written =
                ModelProto.parseFrom(
                        Files.readAllBytes(folder.resolve("decomposed_constants.onnx")));
        assertTrue(
                written.getGraph().getNodeList().stream()
                        .noneMatch(n -> n.getOpType().equals("Constant")));
        assertEquals(
                List.of("k.0", "k.1", ""),
                written.getGraph().getNodeList().stream().map(NodeProto::getName).toList());
    }

    @Test
    void sharedWeightsAreDecomposedOnceAndWrittenOnce() throws Exception {
        OnnxTestModels m = new OnnxTestModels("shared", 6);
        m.input("x", OnnxConstants.FLOAT, 1, 64, 8, 8);
        String y = m.conv("x", ConvSpec.of(64, 64, 3).weightName("s.weight").same(1).bias(false));
        m.graph().addNode(m.graph().getNode(0).toBuilder().setInput(0, y).setOutput(0, "y"));
        m.output("y", OnnxConstants.FLOAT, 1, 64, 8, 8);
        Path file = write(m.build(), "shared.onnx");
        double difference = decomposeAndCompare(file, FULL, 0);
        assertTrue(difference < FULL_RANK_TOLERANCE, "relative difference " + difference);
        ModelProto written =
                ModelProto.parseFrom(Files.readAllBytes(folder.resolve("decomposed_shared.onnx")));
        assertEquals(
                List.of("s.0.weight", "s.1.weight"),
                written.getGraph().getInitializerList().stream()
                        .map(TensorProto::getName)
                        .toList());
    }

    @Test
    void externalDataIsReadAndWrittenPastTheThreshold() throws Exception {
        OnnxTestModels m = new OnnxTestModels("external", 8);
        m.input("x", OnnxConstants.FLOAT, 1, 64, 8, 8);
        String y =
                m.conv(
                        "x",
                        ConvSpec.of(64, 64, 3)
                                .weightName("e.weight")
                                .same(1)
                                .source(ConvSpec.Source.EXTERNAL));
        m.conv(y, ConvSpec.of(64, 8, 1).weightName("f.weight"));
        m.renameLastOutput("y");
        m.output("y", OnnxConstants.FLOAT, 1, 8, 8, 8);
        Path source = Files.createDirectories(folder.resolve("source"));
        Path file = m.write(source, "external.onnx");
        OnnxModel model = OnnxModel.read(file);
        DecompositionResult result = TensorDecompose.autoDecomposition(model.graph(), FULL);
        Path outFolder = Files.createDirectories(folder.resolve("out"));
        Path out = outFolder.resolve("external_decomposed.onnx");
        model.write(result.model(), out, new OnnxWriteOptions(10_000, 1024));
        assertTrue(Files.exists(outFolder.resolve("external_decomposed.onnx.data")));
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(out));
        for (TensorProto tensor : written.getGraph().getInitializerList()) {
            boolean large = TensorCodec.dataBytes(tensor) >= 1024;
            assertEquals(large, GraphNames.isExternal(tensor), tensor.getName());
        }
        double difference = compare(file, out, 0);
        assertTrue(difference < FULL_RANK_TOLERANCE, "relative difference " + difference);
        // Read back, the external model gives the same graph.
        assertEquals(
                result.model().stateDict().keySet(),
                OnnxModel.read(out).graph().stateDict().keySet());
    }

    @Test
    void realPaddleModelComesBackWithTheSameOutputs() throws Exception {
        Path file = OnnxFixtures.paddleModel(folder);
        OnnxModel model = OnnxModel.read(file);
        DecompositionResult result = TensorDecompose.autoDecomposition(model.graph(), AUTO);
        assertTrue(result.changes().isEmpty());
        assertEquals(53, result.skipped().size());
        Path out = folder.resolve("out.onnx");
        model.write(result.model(), out);
        assertEquals(0.0, compare(file, out, 0));
    }

    @Test
    void pyTorchStyleNamesReachTheDecompositionInfoFile() throws Exception {
        Path file = write(ExampleModels.tinyResNet(), "tiny.onnx");
        Path info = folder.resolve("decompose_info.json");
        OnnxModel model = OnnxModel.read(file);
        TensorDecompose.autoDecomposition(
                model.graph(),
                DecompositionOptions.builder().threads(1).decomposeInfoFile(info).build());
        String json = Files.readString(info);
        for (String name :
                List.of("layer1.0.conv1", "layer1.0.conv2", "layer2.0.conv1", "layer2.0.conv2")) {
            assertTrue(json.contains("\"" + name + "\""), name + " missing from " + json);
        }
    }

    @Test
    void offlineFlowReloadsWeightsAndComputesTheDecomposedOutputs() throws Exception {
        Path file = write(ExampleModels.tinyResNet(), "tiny.onnx");
        Path info = folder.resolve("decompose_info.json");
        OnnxModel model = OnnxModel.read(file);
        DecompositionResult online =
                TensorDecompose.autoDecomposition(
                        model.graph(),
                        DecompositionOptions.builder().threads(1).decomposeInfoFile(info).build());
        Path onlineFile = folder.resolve("online.onnx");
        model.write(online.model(), onlineFile);
        NetworkDecomposition offline = TensorDecompose.decomposeNetwork(model.graph(), info);
        Map<String, Tensor> weights = new LinkedHashMap<>(online.model().stateDict());
        ModelGraph reloaded = offline.model().loadStateDict(weights);
        Path offlineFile = folder.resolve("offline.onnx");
        model.write(reloaded, offlineFile);
        assertEquals(0.0, compare(onlineFile, offlineFile, 0));
        assertTrue(reloaded.find("layer1.0.conv1.0").orElseThrow() instanceof Conv2d);
    }

    @Test
    void oldIrVersionsGetConstantNodesInsteadOfInitializers() throws Exception {
        OnnxTestModels m = new OnnxTestModels("old", 9).irVersion(3).opset(8);
        m.input("x", OnnxConstants.FLOAT, 1, 64, 8, 8);
        m.conv(
                "x",
                ConvSpec.of(64, 64, 3)
                        .weightName("o.weight")
                        .same(1)
                        .source(ConvSpec.Source.CONSTANT_NODE));
        m.renameLastOutput("y");
        m.output("y", OnnxConstants.FLOAT, 1, 64, 8, 8);
        Path file = write(m.build(), "old.onnx");
        double difference = decomposeAndCompare(file, FULL, 0);
        assertTrue(difference < FULL_RANK_TOLERANCE, "relative difference " + difference);
        ModelProto written =
                ModelProto.parseFrom(Files.readAllBytes(folder.resolve("decomposed_old.onnx")));
        assertEquals(0, written.getGraph().getInitializerCount());
        assertEquals(
                List.of("Constant", "Conv", "Constant", "Constant", "Conv"),
                written.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
    }
}
