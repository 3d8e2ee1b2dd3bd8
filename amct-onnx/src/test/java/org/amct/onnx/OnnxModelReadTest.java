package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.OpaqueLayer;
import org.amct.api.graph.Padding;
import org.amct.api.graph.Size2d;
import org.amct.onnx.proto.OnnxProtos.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelReadTest {
    @TempDir Path folder;

    private Conv2d conv(OnnxModel model, String name) {
        return assertInstanceOf(Conv2d.class, model.graph().find(name).orElseThrow());
    }

    @Test
    void namesLayersLikePyTorchAndBuildsTheTree() throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 8, 8, 8);
        String y = m.conv("x", ConvSpec.of(8, 8, 3).weightName("layer1.0.conv1.weight"));
        y = m.conv(y, ConvSpec.of(8, 8, 3).weightName("layer1.0.conv2.weight"));
        y = m.conv(y, ConvSpec.of(8, 8, 3).weightName("onnx::Conv_7").nodeName("/head/Conv"));
        m.conv(y, ConvSpec.of(8, 8, 3).weightName("w_unnamed"));
        OnnxModel model = OnnxModel.read(m.write(folder, "net.onnx"));
        ModelGraph graph = model.graph();
        assertEquals(
                List.of("layer1", "layer1.0", "layer1.0.conv1", "layer1.0.conv2", "head", "Conv_3"),
                List.copyOf(graph.layers().keySet()));
        assertEquals(
                LayerNames.CONTAINER_TYPE,
                assertInstanceOf(OpaqueLayer.class, graph.find("layer1.0").orElseThrow())
                        .typeName());
        assertEquals(
                List.of(
                        "layer1.0.conv1.weight",
                        "layer1.0.conv1.bias",
                        "layer1.0.conv2.weight",
                        "layer1.0.conv2.bias",
                        "head.weight",
                        "head.bias",
                        "Conv_3.weight",
                        "Conv_3.bias"),
                List.copyOf(graph.stateDict().keySet()));
    }

    @Test
    void givesUniqueNamesWhenCandidatesClash() throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 8, 8);
        String y = m.conv("x", ConvSpec.of(4, 4, 3).weightName("a.weight").bias(false));
        y = m.conv(y, ConvSpec.of(4, 4, 3).weightName("a.b.weight").nodeName("a").bias(false));
        m.conv(y, ConvSpec.of(4, 4, 3).weightName("..weight").nodeName("").bias(false));
        OnnxModel model = OnnxModel.read(m.write(folder, "net.onnx"));
        assertEquals(
                List.of("a", "Conv_1", "Conv_2"), List.copyOf(model.graph().layers().keySet()));
    }

    @Test
    void readsHyperParametersAndAsymmetricPads() throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 8, 9, 9);
        m.conv(
                "x",
                new ConvSpec(8, 16, 3, 5)
                        .weightName("c.weight")
                        .strides(2, 1)
                        .pads(1, 2, 0, 3)
                        .dilations(1, 2)
                        .group(2));
        Conv2d conv = conv(OnnxModel.read(m.write(folder, "net.onnx")), "c");
        assertEquals(8, conv.inChannels());
        assertEquals(16, conv.outChannels());
        assertEquals(new Size2d(3, 5), conv.kernelSize());
        assertEquals(new Size2d(2, 1), conv.stride());
        assertEquals(new Padding(1, 2, 0, 3), conv.padding());
        assertEquals(new Size2d(1, 2), conv.dilation());
        assertEquals(2, conv.groups());
        assertTrue(conv.hasBias());
    }

    @Test
    void readsAutoPad() throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 9, 9);
        String y = m.conv("x", ConvSpec.of(4, 4, 3).weightName("v.weight").autoPad("VALID"));
        y = m.conv(y, ConvSpec.of(4, 4, 4).weightName("u.weight").autoPad("SAME_UPPER"));
        m.conv(y, ConvSpec.of(4, 4, 4).weightName("l.weight").autoPad("SAME_LOWER"));
        OnnxModel model = OnnxModel.read(m.write(folder, "net.onnx"));
        assertEquals(Padding.NONE, conv(model, "v").padding());
        assertEquals(new Padding(1, 1, 2, 2), conv(model, "u").padding());
        assertEquals(new Padding(2, 2, 1, 1), conv(model, "l").padding());
    }

    @Test
    void readsWeightsFromConstantNodesExternalDataAndTypedFields() throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 8, 8);
        String y =
                m.conv(
                        "x",
                        ConvSpec.of(4, 4, 3)
                                .weightName("k.weight")
                                .source(ConvSpec.Source.CONSTANT_NODE));
        y = m.conv(y, ConvSpec.of(4, 4, 3).weightName("e.weight").source(ConvSpec.Source.EXTERNAL));
        y =
                m.conv(
                        y,
                        ConvSpec.of(4, 4, 3)
                                .weightName("f.weight")
                                .source(ConvSpec.Source.FLOAT_DATA));
        m.conv(
                y,
                ConvSpec.of(4, 4, 3)
                        .weightName("h.weight")
                        .source(ConvSpec.Source.FLOAT_DATA)
                        .dtype(DType.FLOAT16));
        OnnxModel model = OnnxModel.read(m.write(folder, "net.onnx"));
        for (String name : List.of("k", "e", "f", "h")) {
            Conv2d conv = conv(model, name);
            assertEquals(4 * 4 * 9, conv.weight().numel(), name);
            assertTrue(conv.weight().firstNonFiniteIndex() < 0, name);
        }
        assertEquals(DType.FLOAT16, conv(model, "h").weight().dtype());
        assertEquals(DType.FLOAT16, conv(model, "h").bias().orElseThrow().dtype());
    }

    @Test
    void sharedWeightsShareOneTensor() throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 8, 8);
        String y = m.conv("x", ConvSpec.of(4, 4, 3).weightName("s.weight").bias(false));
        m.graph().addNode(m.graph().getNode(0).toBuilder().setInput(0, y).setOutput(0, "z"));
        OnnxModel model = OnnxModel.read(m.write(folder, "net.onnx"));
        assertSame(conv(model, "s").weight(), conv(model, "Conv_1").weight());
    }

    @Test
    void leavesOtherConvolutionsOutOfTheGraph() throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 8);
        m.addConstant(
                "w1d",
                m.uniform(new int[] {4, 4, 3}, 0.1, DType.FLOAT32),
                ConvSpec.Source.INITIALIZER);
        m.node("Conv", "x", "w1d");
        m.node("Conv", "x", "runtime_weight");
        OnnxModel model = OnnxModel.read(m.write(folder, "net.onnx"));
        assertTrue(model.graph().layers().isEmpty());
        assertEquals(2, model.unmappedConvs().size());
        assertTrue(model.unmappedConvs().get(0).reason().contains("1-D"));
        assertTrue(model.unmappedConvs().get(1).reason().contains("run time"));
    }

    @Test
    void rejectsExternalDataOutsideTheModelFolder() throws IOException {
        for (String location : List.of("../escape.bin", "/etc/passwd")) {
            OnnxTestModels m = new OnnxTestModels("net", 1);
            m.input("x", OnnxConstants.FLOAT, 1, 4, 8, 8);
            m.conv(
                    "x",
                    ConvSpec.of(4, 4, 3)
                            .weightName("e.weight")
                            .source(ConvSpec.Source.EXTERNAL)
                            .bias(false));
            TensorProto weight = m.graph().getInitializer(0);
            m.graph()
                    .setInitializer(
                            0,
                            weight.toBuilder()
                                    .setExternalData(
                                            0, OnnxTestModels.entry("location", location)));
            Path sub = Files.createDirectories(folder.resolve("sub"));
            Files.write(folder.resolve("escape.bin"), new byte[4 * 4 * 9 * 4]);
            Path file = m.write(sub, "net.onnx");
            ModelFormatException e =
                    assertThrows(ModelFormatException.class, () -> OnnxModel.read(file));
            assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
            assertTrue(e.getMessage().contains("e.weight"), e.getMessage());
        }
    }

    @Test
    void rejectsTruncatedExternalData() throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 8, 8);
        m.conv("x", ConvSpec.of(4, 4, 3).weightName("e.weight").source(ConvSpec.Source.EXTERNAL));
        Path file = m.write(folder, "net.onnx");
        Files.write(folder.resolve(OnnxTestModels.EXTERNAL_FILE), new byte[10]);
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> OnnxModel.read(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsFilesThatAreNotOnnx() throws IOException {
        Path garbage =
                Files.write(folder.resolve("garbage.onnx"), new byte[] {(byte) 0xff, 1, 2, 3});
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> OnnxModel.read(garbage));
        assertTrue(e.getMessage().contains("garbage.onnx"), e.getMessage());
        Path empty = Files.write(folder.resolve("empty.onnx"), new byte[0]);
        assertThrows(ModelFormatException.class, () -> OnnxModel.read(empty));
    }

    @Test
    void rejectsRawDataOfTheWrongSize() throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 8, 8);
        m.conv("x", ConvSpec.of(4, 4, 3).weightName("c.weight").bias(false));
        TensorProto weight = m.graph().getInitializer(0);
        m.graph()
                .setInitializer(0, weight.toBuilder().setRawData(weight.getRawData().substring(4)));
        Path file = m.write(folder, "net.onnx");
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> OnnxModel.read(file));
        assertTrue(
                e.getMessage().contains("c.weight") && e.getMessage().contains("raw_data"),
                e.getMessage());
    }

    @Test
    void readsTheRealPaddleModelWithEveryConvMapped() throws IOException {
        Path file = OnnxFixtures.paddleModel(folder);
        OnnxModel model = OnnxModel.read(file);
        long convs =
                model.graph().layers().values().stream().filter(Conv2d.class::isInstance).count();
        assertEquals(53, convs + model.unmappedConvs().size());
        assertEquals(53, convs);
    }
}
