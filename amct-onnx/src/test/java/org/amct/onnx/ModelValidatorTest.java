package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-model validation: tensors that no Conv uses and string fields are checked too, so that an
 * invalid file is refused instead of being written back as an invalid output; and the reader bounds
 * its first allocation by the heap.
 */
class ModelValidatorTest {
    /** Not UTF-8: 0xC3 starts a two-byte sequence that 0x28 does not continue. */
    private static final ByteString NOT_UTF8 =
            ByteString.copyFrom(new byte[] {'a', (byte) 0xC3, 0x28});

    @TempDir Path folder;

    /** A one-Conv model changed by {@code edit}. */
    private Path model(Consumer<GraphProto.Builder> edit) throws IOException {
        OnnxTestModels m = new OnnxTestModels("net", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 4, 8, 8);
        m.conv("x", ConvSpec.of(4, 4, 3).weightName("c.weight"));
        edit.accept(m.graph());
        return m.write(folder, "net.onnx");
    }

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

    private static TensorProto unused(String name, long... dims) {
        TensorProto.Builder t =
                TensorProto.newBuilder().setName(name).setDataType(OnnxConstants.FLOAT);
        for (long dim : dims) {
            t.addDims(dim);
        }
        return t.build();
    }

    private static NodeProto constant(String output, TensorProto value) {
        return NodeProto.newBuilder()
                .setOpType("Constant")
                .setName(output + "_node")
                .addOutput(output)
                .addAttribute(
                        AttributeProto.newBuilder()
                                .setName("value")
                                .setType(OnnxConstants.ATTRIBUTE_TENSOR)
                                .setT(value))
                .build();
    }

    @Test
    void anUnusedInitializerOfATrillionElementsIsRefused() throws IOException {
        TensorProto huge =
                unused("unused", 1_000_000, 1_000_000).toBuilder()
                        .setRawData(ByteString.copyFrom(new byte[16]))
                        .build();
        rejects(model(g -> g.addInitializer(huge)), "tensor 'unused'", "2^31-1");
    }

    @Test
    void anUnusedInitializerWithANegativeDimIsRefused() throws IOException {
        TensorProto negative =
                unused("neg", 4, -2).toBuilder()
                        .setRawData(ByteString.copyFrom(new byte[16]))
                        .build();
        rejects(model(g -> g.addInitializer(negative)), "tensor 'neg'", "negative dimension", "-2");
    }

    @Test
    void anUnusedInitializerWhoseDataDoesNotFitItsDimsIsRefused() throws IOException {
        TensorProto shortRaw =
                unused("short", 4, 4).toBuilder()
                        .setRawData(ByteString.copyFrom(new byte[60]))
                        .build();
        rejects(
                model(g -> g.addInitializer(shortRaw)),
                "tensor 'short'",
                "raw_data holds 60",
                "need 64");
        TensorProto shortFloats = unused("few", 3).toBuilder().addFloatData(1f).build();
        rejects(
                model(g -> g.addInitializer(shortFloats)),
                "tensor 'few'",
                "float_data holds 1",
                "need 3");
        TensorProto none = unused("empty", 2, 2);
        rejects(model(g -> g.addInitializer(none)), "tensor 'empty'", "no raw_data either");
        TensorProto undefined = unused("u", 1).toBuilder().setDataType(0).addFloatData(1).build();
        rejects(model(g -> g.addInitializer(undefined)), "tensor 'u'", "UNDEFINED");
    }

    @Test
    void valuesInAFieldOfAnotherTypeOrInTwoPlacesAreRefused() throws IOException {
        // Found by the hostile fuzzer (seed 12800126): 0 elements of COMPLEX128, 14 float_data.
        TensorProto wrongField =
                unused("w", 0, 1).toBuilder().setDataType(15).addFloatData(1f).build();
        rejects(
                model(g -> g.addInitializer(wrongField)),
                "tensor 'w'",
                "float_data holds 1 values but a tensor of COMPLEX128 keeps its values in"
                        + " double_data");
        TensorProto twice =
                unused("t", 1).toBuilder()
                        .setRawData(ByteString.copyFrom(new byte[4]))
                        .addFloatData(1f)
                        .build();
        rejects(model(g -> g.addInitializer(twice)), "tensor 't'", "besides raw_data");
    }

    @Test
    void anUnusedConstantNodeIsCheckedAsItsOutputName() throws IOException {
        TensorProto bad = unused("", 5).toBuilder().addFloatData(1f).build();
        rejects(
                model(g -> g.addNode(constant("k", bad))),
                "tensor 'k'",
                "float_data holds 1",
                "need 5");
    }

    @Test
    void tensorsInSubgraphsAreCheckedAndNamedByTheirPath() throws IOException {
        GraphProto body =
                GraphProto.newBuilder()
                        .setName("then")
                        .addInitializer(unused("inner", 2).toBuilder().addFloatData(1f))
                        .build();
        NodeProto branch =
                NodeProto.newBuilder()
                        .setOpType("If")
                        .setName("if")
                        .addInput("x")
                        .addOutput("y")
                        .addAttribute(AttributeProto.newBuilder().setName("then_branch").setG(body))
                        .build();
        rejects(
                model(g -> g.addNode(branch)),
                "tensor 'inner'",
                "graph.node[1].attribute[0].g.initializer[0]",
                "float_data holds 1");
    }

    @Test
    void externalDataOfAnUnusedTensorMustBeThere() throws IOException {
        TensorProto external =
                unused("ext", 16).toBuilder()
                        .setDataLocation(OnnxConstants.EXTERNAL)
                        .addExternalData(OnnxTestModels.entry("location", "side.bin"))
                        .build();
        Path file = model(g -> g.addInitializer(external));
        rejects(file, "tensor 'ext'", "'side.bin' not found");
        Files.write(folder.resolve("side.bin"), new byte[10]);
        rejects(file, "tensor 'ext'", "needs bytes 0 to 64", "the file has 10 bytes");
        Files.write(folder.resolve("side.bin"), new byte[64]);
        OnnxModel read = OnnxModel.read(file);
        assertEquals(List.of(folder.resolve("side.bin").toRealPath()), read.externalDataFiles());
    }

    @Test
    void stringFieldsThatAreNotUtf8AreRefusedNamingTheField() throws IOException {
        rejects(
                model(g -> g.setNode(0, g.getNode(0).toBuilder().setNameBytes(NOT_UTF8))),
                "string field 'graph.node[0].name'",
                "not valid UTF-8",
                "0xc3 at offset 1");
        rejects(
                model(
                        g ->
                                g.setInitializer(
                                        0, g.getInitializer(0).toBuilder().setNameBytes(NOT_UTF8))),
                "string field 'graph.initializer[0].name'");
        rejects(model(g -> g.setDocStringBytes(NOT_UTF8)), "string field 'graph.doc_string'");
        // Truncated multi-byte sequence at the very end.
        rejects(
                model(
                        g ->
                                g.setNameBytes(
                                        ByteString.copyFrom(
                                                new byte[] {'g', (byte) 0xE2, (byte) 0x82}))),
                "string field 'graph.name'");
        // Valid multi-byte text is fine.
        OnnxModel.read(model(g -> g.setName("Überprüfung ✓ 模型")));
    }

    @Test
    void modelLevelStringsAreCheckedToo() throws IOException {
        Path file = model(g -> {});
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(file));
        Files.write(file, proto.toBuilder().setProducerNameBytes(NOT_UTF8).build().toByteArray());
        rejects(file, "string field 'producer_name'");
    }

    @Test
    void aFileLargerThanTheHeapLeftIsRefusedBeforeItIsReadIntoTheHeap() throws IOException {
        Path file = model(g -> {});
        long size = Files.size(file);
        // Where files cannot be mapped, the bytes would go to the heap: refused first (mapped, see
        // OnnxMappedDataTest).
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class,
                        () -> OnnxModel.read(file, () -> size - 1, false));
        assertTrue(e.getMessage().contains("net.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("AMCT_JAVA_OPTS=-Xmx"), e.getMessage());
        assertTrue(e.getMessage().contains("maximum heap"), e.getMessage());
    }

    @Test
    void outOfMemoryWhileReadingEndsInAMessageNamingTheFileAndTheHeap() throws IOException {
        Path file = model(g -> {});
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class,
                        () ->
                                OnnxModel.read(
                                        file,
                                        () -> {
                                            throw new OutOfMemoryError("Java heap space");
                                        }));
        assertTrue(e.getMessage().startsWith("Reading ONNX file '"), e.getMessage());
        assertTrue(e.getMessage().contains("net.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("ran out of heap (maximum heap "), e.getMessage());
        assertTrue(e.getMessage().contains("AMCT_JAVA_OPTS=-Xmx"), e.getMessage());
    }

    @Test
    void aMegabyteLayerNameGivesABoundedMessage() throws IOException {
        String name = "n".repeat(1 << 20);
        Path file =
                model(
                        g -> {
                            g.setInitializer(
                                    0,
                                    g.getInitializer(0).toBuilder().setName(name).setDataType(99));
                            g.setNode(0, g.getNode(0).toBuilder().setInput(1, name));
                        });
        String message = rejects(file, "(1,048,576 characters)", "data_type is 99");
        assertTrue(message.length() < 1000, message.length() + " characters");
    }

    @Test
    void validModelsStillRead() throws IOException {
        ModelGraph graph = OnnxModel.read(model(g -> {})).graph();
        Conv2d conv = (Conv2d) graph.find("c").orElseThrow();
        assertEquals(new Size2d(3, 3), conv.kernelSize());
        assertEquals(DType.FLOAT32, conv.weight().dtype());
        assertTrue(Tensor.elementCount(conv.weight().shape()) > 0);
    }
}
