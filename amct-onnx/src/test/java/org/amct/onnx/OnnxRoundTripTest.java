package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Sequential;
import org.amct.api.graph.Size2d;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the writer keeps and what it changes, without running the models. */
class OnnxRoundTripTest {
    @TempDir Path folder;

    private static UnknownFieldSet unknown(int field, String value) {
        return UnknownFieldSet.newBuilder()
                .addField(
                        field,
                        UnknownFieldSet.Field.newBuilder()
                                .addLengthDelimited(ByteString.copyFromUtf8(value))
                                .build())
                .build();
    }

    /** The example model with fields this project does not declare, at several levels. */
    private Path modelWithUnknownFields() throws IOException {
        ModelProto example = ExampleModels.tinyResNet();
        GraphProto.Builder graph = example.getGraph().toBuilder();
        graph.setUnknownFields(unknown(15, "sparse initializer stand-in"));
        for (int i = 0; i < graph.getNodeCount(); i++) {
            graph.setNode(
                    i, graph.getNode(i).toBuilder().setUnknownFields(unknown(9, "node " + i)));
        }
        graph.setInitializer(
                0,
                graph.getInitializer(0).toBuilder().setUnknownFields(unknown(16, "tensor meta")));
        ModelProto model =
                example.toBuilder()
                        .setGraph(graph)
                        .setUnknownFields(unknown(20, "training info stand-in"))
                        .build();
        return Files.write(folder.resolve("unknown.onnx"), model.toByteArray());
    }

    @Test
    void unchangedModelIsWrittenBackByteForByte() throws IOException {
        Path file = modelWithUnknownFields();
        OnnxModel model = OnnxModel.read(file);
        Path out = folder.resolve("out.onnx");
        model.write(model.graph(), out);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(out));
    }

    @Test
    void realPaddleModelIsWrittenBackByteForByte() throws IOException {
        Path file = OnnxFixtures.paddleModel(folder);
        OnnxModel model = OnnxModel.read(file);
        Path out = folder.resolve("out.onnx");
        model.write(model.graph(), out);
        assertEquals(
                ModelProto.parseFrom(Files.readAllBytes(file)),
                ModelProto.parseFrom(Files.readAllBytes(out)));
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(out));
    }

    @Test
    void splitKeepsUnknownFieldsAndRewiresTheNode() throws IOException {
        Path file = modelWithUnknownFields();
        OnnxModel model = OnnxModel.read(file);
        ModelGraph split = splitAtFullRankShape(model.graph(), "layer1.0.conv1");
        Path out = folder.resolve("out.onnx");
        model.write(split, out);
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(out));
        assertEquals(unknown(20, "training info stand-in"), written.getUnknownFields());
        GraphProto graph = written.getGraph();
        assertEquals(unknown(15, "sparse initializer stand-in"), graph.getUnknownFields());
        List<String> names = graph.getNodeList().stream().map(NodeProto::getName).toList();
        int first = names.indexOf("layer1.0.conv1.0");
        NodeProto a = graph.getNode(first);
        NodeProto b = graph.getNode(first + 1);
        assertEquals("layer1.0.conv1.1", b.getName());
        assertEquals(List.of("layer1.0.conv1.0.weight"), a.getInputList().subList(1, 2));
        assertEquals(a.getOutput(0), b.getInput(0));
        assertEquals(
                List.of("layer1.0.conv1.1.weight"), b.getInputList().subList(1, b.getInputCount()));
        // The replaced node's unknown fields travel with both new nodes; others are untouched.
        assertEquals(a.getUnknownFields(), b.getUnknownFields());
        ModelProto original = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(original.getGraph().getNode(0), graph.getNode(0));
        List<String> initializers =
                graph.getInitializerList().stream().map(t -> t.getName()).toList();
        assertFalse(initializers.contains("layer1.0.conv1.weight"));
        assertTrue(initializers.contains("layer1.0.conv1.0.weight"));
        assertEquals(original.getGraph().getInitializer(0), graph.getInitializer(0));
    }

    /** Replaces a layer by a pair of convs of full-rank shapes (weights are zeros). */
    static ModelGraph splitAtFullRankShape(ModelGraph graph, String name) {
        Conv2d conv = (Conv2d) graph.find(name).orElseThrow();
        int rank = conv.inChannels() * conv.kernelSize().height();
        Conv2d first =
                Conv2d.builder(conv.inChannels(), rank, new Size2d(conv.kernelSize().height(), 1))
                        .padding(conv.padding().heightOnly())
                        .withBias(false)
                        .build();
        Conv2d last =
                Conv2d.builder(rank, conv.outChannels(), new Size2d(1, conv.kernelSize().width()))
                        .padding(conv.padding().widthOnly())
                        .withBias(conv.hasBias())
                        .build();
        return graph.replace(name, Sequential.of(List.of(first, last)));
    }

    @Test
    void rejectsGraphsThatDoNotComeFromTheFile() throws IOException {
        OnnxModel model =
                OnnxModel.read(
                        Files.write(
                                folder.resolve("m.onnx"),
                                ExampleModels.tinyResNet().toByteArray()));
        Conv2d other = Conv2d.builder(64, 64, Size2d.square(5)).build();
        ModelGraph changed = model.graph().replace("layer1.0.conv1", other);
        ModelMismatchException e =
                assertThrows(
                        ModelMismatchException.class,
                        () -> model.write(changed, folder.resolve("out.onnx")));
        assertTrue(e.getMessage().contains("layer1.0.conv1"), e.getMessage());
        assertTrue(e.getMessage().contains("kernel_size"), e.getMessage());
        assertFalse(Files.exists(folder.resolve("out.onnx")));
    }
}
