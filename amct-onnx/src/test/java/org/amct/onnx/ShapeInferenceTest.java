package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.graph.DType;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TypeProto;
import org.amct.onnx.proto.OnnxProtos.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conv input sizes inferred from the graph's input shape agree with ONNX Runtime's. */
class ShapeInferenceTest {
    @TempDir Path folder;

    /** A graph output without a declared shape, so that only ONNX Runtime knows it. */
    private static ValueInfoProto shapeless(String name) {
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        TypeProto.newBuilder()
                                .setTensorType(
                                        TypeProto.Tensor.newBuilder()
                                                .setElemType(OnnxConstants.FLOAT)))
                .build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(OnnxConstants.ATTRIBUTE_INT)
                .setI(value)
                .build();
    }

    /** Conv, Relu, MaxPool with ceil mode, SAME convs, Pad, a residual Add and Concat. */
    /** The tensor each conv reads, filled by {@link #network}. */
    private final Map<String, String> inputOf = new LinkedHashMap<>();

    private OnnxTestModels network(long height, long width) {
        OnnxTestModels m = new OnnxTestModels("shapes", 1);
        m.input("x", OnnxConstants.FLOAT, 1, 3, height, width);
        String y =
                m.conv(
                        "x",
                        ConvSpec.of(3, 64, 7)
                                .weightName("stem.weight")
                                .strides(2, 2)
                                .pads(3, 3, 3, 3));
        y = m.relu(y);
        String pooled = "pool_out";
        m.graph()
                .addNode(
                        NodeProto.newBuilder()
                                .setOpType("MaxPool")
                                .addInput(y)
                                .addOutput(pooled)
                                .addAttribute(OnnxTestModels.ints("kernel_shape", 3, 3))
                                .addAttribute(OnnxTestModels.ints("strides", 2, 2))
                                .addAttribute(OnnxTestModels.ints("pads", 0, 0, 1, 1))
                                .addAttribute(intAttr("ceil_mode", 1)));
        String a =
                m.conv(
                        pooled,
                        ConvSpec.of(64, 64, 3)
                                .weightName("a.weight")
                                .strides(2, 1)
                                .pads(1, 0, 2, 1));
        String b =
                m.conv(
                        a,
                        new ConvSpec(64, 64, 3, 5)
                                .weightName("b.weight")
                                .strides(1, 2)
                                .autoPad("SAME_UPPER"));
        m.addConstant("pads", int64s(0, 0, 1, 2, 0, 0, 0, 1), ConvSpec.Source.INITIALIZER);
        String padded = m.node("Pad", b, "pads");
        String c = m.conv(padded, ConvSpec.of(64, 64, 3).weightName("c.weight").pads(1, 1, 1, 1));
        String sum = m.add(c, padded);
        String both = "concat_out";
        m.graph()
                .addNode(
                        NodeProto.newBuilder()
                                .setOpType("Concat")
                                .addInput(sum)
                                .addInput(padded)
                                .addOutput(both)
                                .addAttribute(intAttr("axis", 1)));
        m.conv(both, ConvSpec.of(128, 64, 3).weightName("d.weight").autoPad("VALID"));
        m.renameLastOutput("y");
        m.output("y", OnnxConstants.FLOAT, 1, 64, -1, -1);
        inputOf.put("a", pooled);
        inputOf.put("b", a);
        inputOf.put("c", padded);
        inputOf.put("d", both);
        for (String input : inputOf.values()) {
            m.graph().addOutput(shapeless(input));
        }
        return m;
    }

    @Test
    void convInputSizesMatchOnnxRuntime() throws Exception {
        Path file =
                Files.write(folder.resolve("shapes.onnx"), network(61, 47).build().toByteArray());
        OnnxModel model = OnnxModel.read(file);
        Map<String, Size2d> sizes = model.convInputSizes();
        Map<String, OrtRunner.Output> outputs = OrtRunner.run(file, 1, 0);
        assertEquals(new Size2d(61, 47), sizes.get("stem"));
        for (Map.Entry<String, String> e : inputOf.entrySet()) {
            OrtRunner.Output out = outputs.get(e.getValue());
            assertTrue(out != null, e.getValue() + " not among " + outputs.keySet());
            assertEquals(
                    new Size2d((int) out.shape()[2], (int) out.shape()[3]),
                    sizes.get(e.getKey()),
                    e.getKey() + " reads " + e.getValue());
        }
        assertEquals(List.of("stem", "a", "b", "c", "d"), List.copyOf(sizes.keySet()));
    }

    @Test
    void aSymbolicHeightIsAnErrorNamingTheInput() throws Exception {
        OnnxTestModels m = new OnnxTestModels("symbolic", 2);
        m.graph()
                .addInput(
                        ValueInfoProto.newBuilder()
                                .setName("image")
                                .setType(
                                        TypeProto.newBuilder()
                                                .setTensorType(
                                                        TypeProto.Tensor.newBuilder()
                                                                .setElemType(OnnxConstants.FLOAT)
                                                                .setShape(
                                                                        org.amct.onnx.proto
                                                                                .OnnxProtos
                                                                                .TensorShapeProto
                                                                                .newBuilder()
                                                                                .addDim(dim(1))
                                                                                .addDim(dim(64))
                                                                                .addDim(param("H"))
                                                                                .addDim(
                                                                                        param(
                                                                                                "W"))))));
        m.conv("image", ConvSpec.of(64, 64, 3).weightName("a.weight").pads(1, 1, 1, 1));
        m.renameLastOutput("y");
        m.output("y", OnnxConstants.FLOAT, 1, 64, -1, -1);
        Path file = Files.write(folder.resolve("symbolic.onnx"), m.build().toByteArray());
        OnnxModel model = OnnxModel.read(file);
        ModelFormatException e = assertThrows(ModelFormatException.class, model::convInputSizes);
        assertTrue(e.getMessage().contains("layer 'a'"), e.getMessage());
        assertTrue(e.getMessage().contains("input 'image'"), e.getMessage());
        assertTrue(e.getMessage().contains("not fixed"), e.getMessage());
        assertTrue(e.getMessage().contains("'image' [1,64,H,W]"), e.getMessage());
        assertTrue(model.knownConvInputSizes().isEmpty());
    }

    @Test
    void anOpItDoesNotFollowIsNamedInTheError() throws Exception {
        OnnxTestModels m = new OnnxTestModels("custom", 3);
        m.input("x", OnnxConstants.FLOAT, 1, 64, 16, 16);
        m.graph()
                .addNode(
                        NodeProto.newBuilder()
                                .setOpType("Warp")
                                .setDomain("com.example")
                                .setName("warp1")
                                .addInput("x")
                                .addOutput("warped"));
        m.conv("warped", ConvSpec.of(64, 64, 3).weightName("a.weight").pads(1, 1, 1, 1));
        m.renameLastOutput("y");
        m.output("y", OnnxConstants.FLOAT, 1, 64, 16, 16);
        Path file = Files.write(folder.resolve("custom.onnx"), m.build().toByteArray());
        ModelFormatException e =
                assertThrows(ModelFormatException.class, OnnxModel.read(file)::convInputSizes);
        assertTrue(e.getMessage().contains("input 'warped'"), e.getMessage());
        assertTrue(e.getMessage().contains("node 'warp1' (op Warp)"), e.getMessage());
    }

    private static Tensor int64s(long... values) {
        java.nio.ByteBuffer bytes =
                java.nio.ByteBuffer.allocate(8 * values.length)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            bytes.putLong(v);
        }
        bytes.flip();
        return Tensor.wrap(DType.INT64, new int[] {values.length}, bytes);
    }

    private static org.amct.onnx.proto.OnnxProtos.TensorShapeProto.Dimension dim(long value) {
        return org.amct.onnx.proto.OnnxProtos.TensorShapeProto.Dimension.newBuilder()
                .setDimValue(value)
                .build();
    }

    private static org.amct.onnx.proto.OnnxProtos.TensorShapeProto.Dimension param(String name) {
        return org.amct.onnx.proto.OnnxProtos.TensorShapeProto.Dimension.newBuilder()
                .setDimParam(name)
                .build();
    }
}
