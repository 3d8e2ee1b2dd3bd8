package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.amct.api.exception.ModelFormatException;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken ONNX files: each declared size, offset, count and dimension is checked against
 * the bytes present before anything is allocated, and each kind of damage gets its own message
 * naming the file and the element.
 */
class OnnxHostileInputTest {
    @TempDir Path folder;

    /** A one-Conv model (weight {@code c.weight}, bias {@code c.bias}) changed by {@code edit}. */
    private Path model(Consumer<GraphProto.Builder> edit) throws IOException {
        return model(ConvSpec.Source.INITIALIZER, edit);
    }

    private Path model(ConvSpec.Source source, Consumer<GraphProto.Builder> edit)
            throws IOException {
        return model(source, 3, edit);
    }

    private Path model(ConvSpec.Source source, int kernel, Consumer<GraphProto.Builder> edit)
            throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 8, 8);
        m.conv("x", ConvSpec.of(4, 4, kernel).weightName("c.weight").source(source));
        edit.accept(m.graph());
        return m.write(folder, "net.onnx");
    }

    private static void setWeight(GraphProto.Builder graph, Consumer<TensorProto.Builder> edit) {
        TensorProto.Builder weight = graph.getInitializer(0).toBuilder();
        edit.accept(weight);
        graph.setInitializer(0, weight);
    }

    private static void setConvAttribute(GraphProto.Builder graph, AttributeProto attribute) {
        NodeProto conv = graph.getNode(0);
        NodeProto.Builder node = conv.toBuilder().clearAttribute();
        conv.getAttributeList().stream()
                .filter(a -> !a.getName().equals(attribute.getName()))
                .forEach(node::addAttribute);
        graph.setNode(0, node.addAttribute(attribute));
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(OnnxConstants.ATTRIBUTE_INT)
                .setI(value)
                .build();
    }

    private static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder builder =
                AttributeProto.newBuilder().setName(name).setType(OnnxConstants.ATTRIBUTE_INTS);
        Arrays.stream(values).forEach(builder::addInts);
        return builder.build();
    }

    /** Reads the file, expecting a rejection whose message names the file and every fragment. */
    private static String rejects(Path file, String... fragments) {
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> OnnxModel.read(file));
        String message = e.getMessage();
        assertTrue(message.contains(file.getFileName().toString()), message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "'" + fragment + "' in: " + message);
        }
        return message;
    }

    @Test
    void aTinyFileDeclaringAHugeTensorIsRejectedBeforeAllocating() throws IOException {
        TensorProto huge =
                TensorProto.newBuilder()
                        .setName("c.weight")
                        .setDataType(OnnxConstants.FLOAT)
                        .addAllDims(List.of(1_000_000L, 1_000_000L, 1L, 1L))
                        .build();
        Path file = model(g -> g.setInitializer(0, huge));
        assertTrue(Files.size(file) < 400, "the file is tiny: " + Files.size(file));
        rejects(file, "c.weight", "more than 2^31-1 elements");
        // 4e8 elements fit in a tensor, but the file holds none of their 1.6 GB.
        TensorProto large = huge.toBuilder().setDims(0, 20_000).setDims(1, 20_000).build();
        rejects(
                model(g -> g.setInitializer(0, large)),
                "c.weight",
                "float_data holds 0 values",
                "need 400000000");
        TensorProto raw = large.toBuilder().setRawData(ByteString.copyFrom(new byte[16])).build();
        rejects(model(g -> g.setInitializer(0, raw)), "raw_data holds 16 bytes", "need 1600000000");
    }

    @Test
    void externalDataSizesAreCheckedAgainstTheRealFile() throws IOException {
        Consumer<GraphProto.Builder> hugeLength =
                g ->
                        setWeight(
                                g,
                                w ->
                                        w.setExternalData(
                                                2,
                                                OnnxTestModels.entry(
                                                        "length", Long.toString(1L << 40))));
        rejects(model(ConvSpec.Source.EXTERNAL, hugeLength), "c.weight", "length is 1099511627776");
        Consumer<GraphProto.Builder> hugeOffset =
                g ->
                        setWeight(
                                g,
                                w ->
                                        w.setExternalData(
                                                1,
                                                OnnxTestModels.entry(
                                                        "offset", Long.toString(Long.MAX_VALUE))));
        rejects(
                model(ConvSpec.Source.EXTERNAL, hugeOffset),
                "c.weight",
                "beyond 2^63",
                "the file has");
        Consumer<GraphProto.Builder> negative =
                g -> setWeight(g, w -> w.setExternalData(1, OnnxTestModels.entry("offset", "-8")));
        rejects(model(ConvSpec.Source.EXTERNAL, negative), "'offset' is '-8'", "byte count >= 0");
    }

    @Test
    void externalDataMustBeARegularFileWithAUsableName() throws IOException {
        Consumer<GraphProto.Builder> toFolder =
                g -> setWeight(g, w -> w.setExternalData(0, OnnxTestModels.entry("location", ".")));
        rejects(model(ConvSpec.Source.EXTERNAL, toFolder), "c.weight", "is a folder");
        Consumer<GraphProto.Builder> nul =
                g ->
                        setWeight(
                                g,
                                w ->
                                        w.setExternalData(
                                                0, OnnxTestModels.entry("location", "a\u0000b")));
        rejects(model(ConvSpec.Source.EXTERNAL, nul), "c.weight", "a\\u0000b", "not a valid");
        Consumer<GraphProto.Builder> missing =
                g ->
                        setWeight(
                                g,
                                w ->
                                        w.setExternalData(
                                                0, OnnxTestModels.entry("location", "gone.bin")));
        rejects(model(ConvSpec.Source.EXTERNAL, missing), "gone.bin", "not found");
    }

    @Test
    void duplicateTensorAndValueNamesAreRejected() throws IOException {
        rejects(
                model(g -> g.addInitializer(g.getInitializer(0))),
                "initializer 'c.weight' is defined twice",
                "#0 and #2");
        rejects(
                model(g -> g.addNode(g.getNode(0).toBuilder().setName("again"))),
                "value 'conv_out0' is an output of node",
                "'again'",
                "single static assignment");
    }

    @Test
    void duplicateConvNodeNamesStillGiveDistinctLayerNames() throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 8, 8);
        String y = m.conv("x", ConvSpec.of(4, 4, 3).weightName("w_a").nodeName("same"));
        m.conv(y, ConvSpec.of(4, 4, 3).weightName("w_b").nodeName("same"));
        OnnxModel model = OnnxModel.read(m.write(folder, "net.onnx"));
        assertEquals(List.of("same", "Conv_1"), List.copyOf(model.graph().layers().keySet()));
    }

    @Test
    void badDimensionsAreNamed() throws IOException {
        rejects(
                model(g -> setWeight(g, w -> w.setDims(1, -4))),
                "c.weight",
                "-4 at index 1",
                "negative dimension");
        rejects(
                // Consistent data (none), so that the Conv's own check speaks.
                model(g -> setWeight(g, w -> w.setDims(0, 0).setRawData(ByteString.EMPTY))),
                "c.weight",
                "0 at index 0",
                "every dimension of a Conv weight must be >= 1");
        rejects(
                model(g -> setWeight(g, w -> w.setDims(3, 1L << 33))),
                "c.weight",
                "8589934592 at index 3");
        rejects(
                model(g -> setWeight(g, w -> w.clearDims().addDims(4).addDims(36))),
                "c.weight",
                "rank 2");
        // A bias of the wrong length: the Conv2d's own check, with the file and node named.
        rejects(model(g -> g.setInitializer(1, g.getInitializer(1).toBuilder().setDims(0, 3))));
    }

    @Test
    void unknownDataTypesAreNamed() throws IOException {
        rejects(model(g -> setWeight(g, w -> w.setDataType(99))), "c.weight", "99 (unknown)");
        rejects(model(g -> setWeight(g, w -> w.setDataType(8))), "c.weight", "8 (STRING)");
        rejects(model(g -> setWeight(g, w -> w.setDataType(0))), "c.weight", "0 (UNDEFINED)");
        rejects(
                model(g -> setWeight(g, w -> w.setDataLocation(7))),
                "c.weight",
                "data_location is 7");
    }

    @Test
    void convAttributesOutOfRangeAreNamed() throws IOException {
        rejects(
                model(g -> setConvAttribute(g, intAttribute("group", 1L << 40))),
                "group is 1099511627776");
        rejects(model(g -> setConvAttribute(g, intAttribute("group", 0))), "group is 0");
        rejects(model(g -> setConvAttribute(g, intAttribute("group", 3))), "group is 3");
        rejects(
                model(g -> setConvAttribute(g, intsAttribute("strides", 1, 1L << 40))),
                "strides is [1, 1099511627776]");
        rejects(
                model(g -> setConvAttribute(g, intsAttribute("group", 2))),
                "attribute 'group' has type INTS, expected INT");
        rejects(
                model(
                        g ->
                                g.setNode(
                                        0,
                                        g.getNode(0).toBuilder()
                                                .addAttribute(intsAttribute("strides", 2, 2)))),
                "attribute 'strides' appears 2 times");
        Consumer<GraphProto.Builder> samePad =
                g -> {
                    setConvAttribute(g, intsAttribute("dilations", 1, Integer.MAX_VALUE));
                    NodeProto conv = g.getNode(0);
                    NodeProto.Builder node = conv.toBuilder().clearAttribute();
                    conv.getAttributeList().stream()
                            .filter(a -> !a.getName().equals("pads"))
                            .forEach(node::addAttribute);
                    node.addAttribute(
                            AttributeProto.newBuilder()
                                    .setName("auto_pad")
                                    .setType(OnnxConstants.ATTRIBUTE_STRING)
                                    .setS(ByteString.copyFromUtf8("SAME_UPPER")));
                    g.setNode(0, node);
                };
        rejects(model(ConvSpec.Source.INITIALIZER, 5, samePad), "padding of more than 2^31-1");
    }

    @Test
    void truncatedFilesNameTheFileAndTheByte() throws IOException {
        byte[] valid = Files.readAllBytes(model(g -> {}));
        for (int length : List.of(1, 5, valid.length / 3, valid.length / 2, valid.length - 3)) {
            Path cut =
                    Files.write(
                            folder.resolve("cut" + length + ".onnx"), Arrays.copyOf(valid, length));
            rejects(cut, "not a valid ONNX model");
        }
        Path empty = Files.write(folder.resolve("empty.onnx"), new byte[0]);
        rejects(empty, "is empty");
        byte[] endGroup = Arrays.copyOf(valid, valid.length + 1);
        endGroup[valid.length] = 0x0c; // an end-group tag of field 1 at the top level
        rejects(Files.write(folder.resolve("trailing.onnx"), endGroup), "not a valid ONNX model");
    }

    @Test
    void filesOfOtherFormatsAreRecognised() throws IOException {
        List<List<Object>> cases =
                List.of(
                        List.of("model.pt", bytes("PK\u0003\u0004rest of a zip"), "ZIP archive"),
                        List.of("model.pkl", new byte[] {(byte) 0x80, 2, 'c', 'x'}, "pickle"),
                        List.of("info.json", bytes("  [{\"ori_layer_info\": 1}]"), "JSON text"),
                        List.of(
                                "lfs.onnx",
                                bytes("version https://git-lfs.github.com/spec/v1\noid x\n"),
                                "git lfs pull"),
                        List.of(
                                "w.safetensors",
                                safetensors(),
                                "safetensors weights file",
                                "--weights"),
                        List.of("gz.onnx", new byte[] {0x1f, (byte) 0x8b, 8, 0}, "gzip"),
                        List.of("text.onnx", bytes("hello, world\n"), "not a valid ONNX model"));
        for (List<Object> c : cases) {
            Path file = Files.write(folder.resolve((String) c.get(0)), (byte[]) c.get(1));
            String[] fragments =
                    c.subList(2, c.size()).stream().map(Object::toString).toArray(String[]::new);
            rejects(file, fragments);
        }
    }

    @Test
    void aProtobufThatIsNotAnOnnxModelIsRejected() throws IOException {
        ModelProto noIr = ModelProto.newBuilder().setGraph(GraphProto.newBuilder()).build();
        rejects(Files.write(folder.resolve("noir.onnx"), noIr.toByteArray()), "no ir_version");
        ModelProto noGraph = ModelProto.newBuilder().setIrVersion(8).build();
        rejects(Files.write(folder.resolve("nograph.onnx"), noGraph.toByteArray()), "no graph");
    }

    @Test
    void deeplyNestedSubgraphsCannotExhaustTheStack() throws IOException {
        GraphProto graph = GraphProto.newBuilder().setName("leaf").build();
        for (int i = 0; i < 200; i++) {
            NodeProto node =
                    NodeProto.newBuilder()
                            .setOpType("If")
                            .addAttribute(
                                    AttributeProto.newBuilder()
                                            .setName("then_branch")
                                            .setType(5)
                                            .setG(graph))
                            .build();
            graph = GraphProto.newBuilder().addNode(node).build();
        }
        byte[] bytes =
                ModelProto.newBuilder().setIrVersion(8).setGraph(graph).build().toByteArray();
        rejects(Files.write(folder.resolve("deep.onnx"), bytes), "nesting");
    }

    /** A protobuf varint. */
    private static void varint(java.io.ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** A model (ir_version 8) whose graph field holds {@code graph} as it is. */
    private static byte[] modelWithGraph(byte[] graph) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x08);
        out.write(8);
        out.write(0x3a); // field 7 (graph), length-delimited
        varint(out, graph.length);
        out.writeBytes(graph);
        return out.toByteArray();
    }

    @Test
    void aFileThatWouldNotFitInTheHeapOnceParsedIsRefusedBeforeParsing() throws IOException {
        // 2 MB of empty nodes: a million messages, 67 MB once parsed (estimated 92 MiB).
        byte[] nodes = new byte[2_000_000];
        for (int i = 0; i < nodes.length; i += 2) {
            nodes[i] = 0x0a; // field 1 (node), length-delimited, length 0
        }
        Path empty = Files.write(folder.resolve("empty_nodes.onnx"), modelWithGraph(nodes));
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class, () -> OnnxModel.read(empty, () -> 64L << 20));
        assertTrue(e.getMessage().contains("empty_nodes.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("1,000,002 messages"), e.getMessage());
        assertTrue(e.getMessage().contains("more than the 64 MiB"), e.getMessage());
        // 4 MB of one-byte int64 values in one initializer: 4 million numbers, 37 MB once parsed
        // (estimated 45 MiB).
        java.io.ByteArrayOutputStream tensor = new java.io.ByteArrayOutputStream();
        tensor.write(0x3a); // field 7 (int64_data), packed
        varint(tensor, 4_000_000);
        tensor.writeBytes(new byte[4_000_000]);
        java.io.ByteArrayOutputStream graph = new java.io.ByteArrayOutputStream();
        graph.write(0x2a); // field 5 (initializer)
        varint(graph, tensor.size());
        graph.writeBytes(tensor.toByteArray());
        Path numbers =
                Files.write(folder.resolve("numbers.onnx"), modelWithGraph(graph.toByteArray()));
        e =
                assertThrows(
                        ModelFormatException.class, () -> OnnxModel.read(numbers, () -> 32L << 20));
        assertTrue(e.getMessage().contains("4,000,001 numbers"), e.getMessage());
        // The real model is far from such a limit.
        OnnxModel.read(OnnxFixtures.paddleModel(folder), () -> 16L << 20);
    }

    @Test
    void deeplyNestedGroupsCannotExhaustTheStack() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x08);
        out.write(8);
        for (int i = 0; i < 100_000; i++) {
            varint(out, (99 << 3) | 3); // start of group 99, unknown to ONNX
        }
        rejects(
                Files.write(folder.resolve("groups.onnx"), out.toByteArray()),
                "not a valid ONNX model");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] safetensors() {
        byte[] header = bytes("{\"__metadata__\":{}}");
        byte[] out = new byte[8 + header.length];
        out[0] = (byte) header.length;
        System.arraycopy(header, 0, out, 8, header.length);
        return out;
    }
}
