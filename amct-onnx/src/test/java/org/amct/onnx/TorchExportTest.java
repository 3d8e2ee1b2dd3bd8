package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.TensorDecompose;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What torch.onnx writes: scoped node names, synthetic {@code onnx::} names for folded weights,
 * {@code Identity} copies of deduplicated initializers, BatchNorm and Linear parameters.
 */
class TorchExportTest {
    @TempDir Path folder;

    @Test
    void readsTheModulePathOutOfTorchScopes() {
        assertEquals(
                Optional.of("layer2.0.downsample.0"),
                TorchScopes.modulePath("/layer2/layer2.0/downsample/downsample.0/Conv"));
        assertEquals(Optional.of("conv1"), TorchScopes.modulePath("/conv1/Conv"));
        assertEquals(
                Optional.of("features.denseblock1.denselayer1.conv1"),
                TorchScopes.modulePath("/features/denseblock1/denselayer1/conv1/Conv"));
        assertEquals(Optional.of("body.2.0"), TorchScopes.modulePath("/body/body.2/body.2.0/Conv"));
        assertEquals(Optional.of("0.1"), TorchScopes.modulePath("/0/0.1/Conv_3"));
        for (String notScope :
                List.of(
                        "Conv_3",
                        "conv1",
                        "/Conv",
                        "/a/b.c/Conv",
                        "/a//Conv",
                        "/a/a.0/",
                        "/a/x.a.0/Conv",
                        "/a/.0/Conv")) {
            assertEquals(Optional.empty(), TorchScopes.modulePath(notScope), notScope);
        }
    }

    private static void identity(OnnxTestModels m, String input, String output) {
        m.graph()
                .addNode(
                        NodeProto.newBuilder()
                                .setOpType("Identity")
                                .setName("Identity_" + output)
                                .addInput(input)
                                .addOutput(output));
    }

    /**
     * A folded resnet block as torch.onnx writes it in eval mode: Identity copies of one zero bias
     * first, then convs with synthetic names and scoped node names.
     */
    private Path foldedExport() throws IOException {
        OnnxTestModels m = new OnnxTestModels("folded", 3);
        m.input("input", OnnxConstants.FLOAT, 1, 64, 8, 8);
        m.addConstant(
                "onnx::Conv_194",
                Tensor.zeros(DType.FLOAT32, new int[] {64}),
                ConvSpec.Source.INITIALIZER);
        identity(m, "onnx::Conv_194", "onnx::Conv_197");
        identity(m, "onnx::Conv_197", "onnx::Conv_200");
        String y =
                m.conv(
                        "input",
                        ConvSpec.of(64, 64, 3)
                                .same(1)
                                .bias(false)
                                .weightName("onnx::Conv_193")
                                .nodeName("/layer1/layer1.0/conv1/Conv"));
        y = m.relu(y);
        y =
                m.conv(
                        y,
                        ConvSpec.of(64, 64, 3)
                                .same(1)
                                .bias(false)
                                .weightName("onnx::Conv_196")
                                .nodeName("/layer1/layer1.0/conv2/Conv"));
        // The generator adds no bias input for these: give them the copies, as torch.onnx does.
        List<NodeProto> nodes = m.graph().getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getOpType().equals("Conv")) {
                String bias =
                        nodes.get(i).getName().endsWith("conv1/Conv")
                                ? "onnx::Conv_194"
                                : "onnx::Conv_200";
                m.graph().setNode(i, nodes.get(i).toBuilder().addInput(bias));
            }
        }
        m.output(y, OnnxConstants.FLOAT, 1, 64, 8, 8);
        return m.write(folder, "folded.onnx");
    }

    @Test
    void namesFoldedConvsByTheirModulesAndResolvesIdentityCopies() throws IOException {
        OnnxModel model = OnnxModel.read(foldedExport());
        assertEquals(
                List.of("layer1", "layer1.0", "layer1.0.conv1", "layer1.0.conv2"),
                List.copyOf(model.graph().layers().keySet()));
        assertEquals(List.of(), model.unmappedConvs());
        Conv2d conv1 = assertInstanceOf(Conv2d.class, model.graph().find("layer1.0.conv1").get());
        Conv2d conv2 = assertInstanceOf(Conv2d.class, model.graph().find("layer1.0.conv2").get());
        // The chain Conv_200 <- Conv_197 <- Conv_194 resolves to the one initializer.
        assertSame(conv1.bias().get(), conv2.bias().get());
        assertEquals(List.of("layer1.0.conv1", "layer1.0.conv2"), model.foldedLayers());
        assertEquals(Map.of(), model.otherParameters());
    }

    @Test
    void writesDecomposedFoldedConvsWithoutDanglingCopies() throws IOException, OrtException {
        Path file = foldedExport();
        OnnxModel model = OnnxModel.read(file);
        DecompositionResult result =
                TensorDecompose.autoDecomposition(
                        model.graph(), DecompositionOptions.builder().threads(1).build());
        assertEquals(
                List.of("layer1.0.conv1", "layer1.0.conv2"),
                List.copyOf(result.changes().keySet()));
        Path out = folder.resolve("out.onnx");
        model.write(result.model(), out);
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(out));
        List<String> names =
                written.getGraph().getNodeList().stream().map(NodeProto::getName).toList();
        assertEquals(
                List.of(
                        "layer1.0.conv1.0",
                        "layer1.0.conv1.1",
                        "",
                        "layer1.0.conv2.0",
                        "layer1.0.conv2.1"),
                names);
        assertTrue(
                written.getGraph().getInitializerList().stream()
                        .noneMatch(t -> t.getName().startsWith("onnx::")),
                "the replaced weights and the copied bias are gone");
        OnnxModel reread = OnnxModel.read(out);
        assertEquals(
                List.of(
                        "layer1.0.conv1.0",
                        "layer1.0.conv1.1",
                        "layer1.0.conv2.0",
                        "layer1.0.conv2.1"),
                reread.graph().layers().keySet().stream()
                        .filter(n -> n.chars().filter(ch -> ch == '.').count() == 3)
                        .toList());
        assertEquals(List.of(), reread.foldedLayers());
        OrtRunner.run(out, 1, 0);
    }

    @Test
    void keepsACopiedValueThatAnUnchangedLayerStillReads() throws IOException {
        OnnxTestModels m = new OnnxTestModels("shared", 3);
        m.input("x", OnnxConstants.FLOAT, 1, 64, 8, 8);
        String y = m.conv("x", ConvSpec.of(64, 64, 3).same(1).weightName("a.weight"));
        identity(m, "a.weight", "b.weight");
        // A 1-D view is not eligible: its copy of a.weight must survive a's decomposition.
        y =
                m.conv(
                        y,
                        ConvSpec.of(64, 64, 3)
                                .same(1)
                                .weightName("c.weight")
                                .bias(false)
                                .dilations(2, 2)
                                .pads(2, 2, 2, 2));
        List<NodeProto> nodes = m.graph().getNodeList();
        int last = nodes.size() - 1;
        m.graph().setNode(last, nodes.get(last).toBuilder().setInput(1, "b.weight"));
        m.output(y, OnnxConstants.FLOAT, 1, 64, 8, 8);
        OnnxModel model = OnnxModel.read(m.write(folder, "shared.onnx"));
        assertEquals(List.of("a", "b"), model.graph().layers().keySet().stream().toList());
        DecompositionResult result =
                TensorDecompose.autoDecomposition(
                        model.graph(), DecompositionOptions.builder().threads(1).build());
        assertEquals(List.of("a"), List.copyOf(result.changes().keySet()));
        Path out = folder.resolve("out.onnx");
        model.write(result.model(), out);
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(out));
        assertTrue(
                written.getGraph().getInitializerList().stream()
                        .anyMatch(t -> t.getName().equals("a.weight")),
                "a.weight is still read through b.weight");
        assertEquals(
                1,
                written.getGraph().getNodeList().stream()
                        .filter(n -> n.getOpType().equals("Identity"))
                        .count());
    }

    @Test
    void readsAConstantNodeBehindAChainOfIdentities() throws IOException {
        OnnxTestModels m = new OnnxTestModels("constant", 3);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 8, 8);
        Tensor weight = m.uniform(new int[] {4, 4, 3, 3}, 0.5, DType.FLOAT32);
        m.addConstant("w", weight, ConvSpec.Source.CONSTANT_NODE);
        identity(m, "w", "w_copy");
        identity(m, "w_copy", "w_copy2");
        String y = m.conv("x", ConvSpec.of(4, 4, 3).bias(false).weightName("unused"));
        int conv = m.graph().getNodeCount() - 1;
        m.graph().setNode(conv, m.graph().getNode(conv).toBuilder().setInput(1, "w_copy2"));
        m.graph().clearInitializer();
        m.output(y, OnnxConstants.FLOAT, 1, 4, 6, 6);
        OnnxModel model = OnnxModel.read(m.write(folder, "constant.onnx"));
        assertEquals(List.of(), model.unmappedConvs());
        Conv2d read = assertInstanceOf(Conv2d.class, model.graph().find("Conv_3").get());
        assertEquals(weight, read.weight());
    }

    @Test
    void skipsAWeightThatIsARunTimeValueBehindIdentity() throws IOException {
        OnnxTestModels m = new OnnxTestModels("runtime", 3);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 8, 8);
        m.input("w_in", OnnxConstants.FLOAT, 4, 4, 3, 3);
        identity(m, "w_in", "w_copy");
        String y = m.conv("x", ConvSpec.of(4, 4, 3).bias(false).weightName("w"));
        List<NodeProto> nodes = m.graph().getNodeList();
        m.graph()
                .setNode(
                        nodes.size() - 1,
                        nodes.get(nodes.size() - 1).toBuilder().setInput(1, "w_copy"));
        m.graph().clearInitializer();
        m.output(y, OnnxConstants.FLOAT, 1, 4, 6, 6);
        OnnxModel model = OnnxModel.read(m.write(folder, "runtime.onnx"));
        assertEquals(1, model.unmappedConvs().size());
        assertEquals(
                "weight 'w_copy' is computed at run time (an Identity copy of 'w_in')",
                model.unmappedConvs().get(0).reason());
    }

    /**
     * An unfolded export: conv, BatchNorm with deduplicated statistics, Gemm; the conv's bias is an
     * Identity copy of bn1's shift (torch.onnx deduplicates equal tensors whatever their role).
     */
    private Path unfoldedExport(long irVersion) throws IOException {
        OnnxTestModels m = new OnnxTestModels("unfolded", 5).irVersion(irVersion);
        m.input("x", OnnxConstants.FLOAT, 1, 8, 4, 4);
        identity(m, "bn1.bias", "onnx::Conv_9");
        String y =
                m.conv(
                        "x",
                        ConvSpec.of(8, 8, 3)
                                .same(1)
                                .bias(false)
                                .weightName("conv1.weight")
                                .nodeName("/conv1/Conv"));
        int conv = m.graph().getNodeCount() - 1;
        m.graph().setNode(conv, m.graph().getNode(conv).toBuilder().addInput("onnx::Conv_9"));
        y = m.batchNorm("bn1", y, 8);
        // bn2's statistics are copies of bn1's, as torch.onnx deduplicates equal tensors.
        identity(m, "bn1.weight", "bn2.weight");
        identity(m, "bn1.bias", "bn2.bias");
        identity(m, "bn1.running_mean", "bn2.running_mean");
        identity(m, "bn1.running_var", "bn2.running_var");
        y =
                m.node(
                        "BatchNormalization",
                        y,
                        "bn2.weight",
                        "bn2.bias",
                        "bn2.running_mean",
                        "bn2.running_var");
        y = m.node("GlobalAveragePool", y);
        y = m.node("Flatten", y);
        y = m.linear("fc", y, 8, 3);
        m.output(y, OnnxConstants.FLOAT, 1, 3);
        return m.write(folder, "unfolded" + irVersion + ".onnx");
    }

    @Test
    void listsTheOtherParametersUnderTheirStateDictNames() throws IOException {
        OnnxModel model = OnnxModel.read(unfoldedExport(8));
        Map<String, Tensor> others = model.otherParameters();
        assertEquals(
                List.of(
                        "bn1.bias",
                        "bn1.weight",
                        "bn1.running_mean",
                        "bn1.running_var",
                        "bn2.weight",
                        "bn2.bias",
                        "bn2.running_mean",
                        "bn2.running_var",
                        "fc.weight",
                        "fc.bias",
                        "bn1.num_batches_tracked",
                        "bn2.num_batches_tracked"),
                List.copyOf(others.keySet()));
        assertSame(others.get("bn1.running_var"), others.get("bn2.running_var"));
        Tensor counter = others.get("bn1.num_batches_tracked");
        assertEquals(DType.INT64, counter.dtype());
        assertArrayEquals(new int[0], counter.shape());
        assertEquals(
                List.of("bn1.num_batches_tracked", "bn2.num_batches_tracked"),
                model.batchNormCounters());
        assertEquals(List.of(), model.foldedLayers());
    }

    @Test
    void writesNewValuesOfOtherParameters() throws IOException, OrtException {
        for (long ir : new long[] {3, 8}) {
            OnnxModel model = OnnxModel.read(unfoldedExport(ir));
            Map<String, Tensor> others = model.otherParameters();
            Tensor mean = Tensor.ofFloats(new int[] {8}, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
            Tensor fc = Tensor.zeros(DType.FLOAT32, new int[] {3, 8});
            Tensor shift = Tensor.ofFloats(new int[] {8}, new float[] {8, 7, 6, 5, 4, 3, 2, 1});
            Tensor convBias =
                    assertInstanceOf(Conv2d.class, model.graph().find("conv1").get()).bias().get();
            Path out = folder.resolve("params" + ir + ".onnx");
            model.write(
                    model.graph(),
                    Map.of(
                            "bn2.running_mean",
                            mean,
                            "fc.weight",
                            fc,
                            "bn1.bias",
                            shift,
                            "bn1.weight",
                            others.get("bn1.weight"),
                            "bn1.num_batches_tracked",
                            Tensor.zeros(DType.INT64, new int[0])),
                    out,
                    OnnxWriteOptions.defaults());
            OnnxModel rereadModel = OnnxModel.read(out);
            Map<String, Tensor> reread = rereadModel.otherParameters();
            assertEquals(shift, reread.get("bn1.bias"), "ir " + ir);
            // The conv's bias copied bn1.bias: it keeps the value it copied.
            assertEquals(
                    convBias,
                    assertInstanceOf(Conv2d.class, rereadModel.graph().find("conv1").get())
                            .bias()
                            .get(),
                    "ir " + ir);
            assertEquals(mean, reread.get("bn2.running_mean"), "ir " + ir);
            assertEquals(fc, reread.get("fc.weight"), "ir " + ir);
            assertEquals(
                    others.get("bn1.running_mean"), reread.get("bn1.running_mean"), "ir " + ir);
            assertEquals(others.get("bn2.running_var"), reread.get("bn2.running_var"), "ir " + ir);
            // bn2.bias copied bn1.bias too, and was not given: it keeps its value.
            assertEquals(others.get("bn2.bias"), reread.get("bn2.bias"), "ir " + ir);
            assertEquals(others.keySet(), reread.keySet());
            OrtRunner.Output output = OrtRunner.run(out, 1, 0).values().iterator().next();
            // fc.weight is zero: the output is fc.bias.
            float[] bias = others.get("fc.bias").toFloats();
            for (int i = 0; i < bias.length; i++) {
                assertEquals(bias[i], output.values()[i], 1e-6, "ir " + ir);
            }
        }
    }

    @Test
    void refusesParametersThatAreNotTheFilesOrDoNotFit() throws IOException {
        OnnxModel model = OnnxModel.read(unfoldedExport(8));
        Path out = folder.resolve("x.onnx");
        ModelMismatchException unknown =
                assertThrows(
                        ModelMismatchException.class,
                        () ->
                                model.write(
                                        model.graph(),
                                        Map.of(
                                                "conv1.weight",
                                                Tensor.zeros(
                                                        DType.FLOAT32, new int[] {8, 8, 3, 3})),
                                        out,
                                        OnnxWriteOptions.defaults()));
        assertTrue(
                unknown.getMessage()
                        .contains("'conv1.weight' is not one of the PyTorch parameters"),
                unknown.getMessage());
        ModelMismatchException shape =
                assertThrows(
                        ModelMismatchException.class,
                        () ->
                                model.write(
                                        model.graph(),
                                        Map.of(
                                                "fc.bias",
                                                Tensor.zeros(DType.FLOAT32, new int[] {4})),
                                        out,
                                        OnnxWriteOptions.defaults()));
        assertTrue(shape.getMessage().contains("Parameter 'fc.bias'"), shape.getMessage());
        assertTrue(Files.notExists(out));
    }
}
