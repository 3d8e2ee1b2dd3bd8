package org.amct.onnx;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.OperatorSetIdProto;
import org.amct.onnx.proto.OnnxProtos.StringStringEntryProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;
import org.amct.onnx.proto.OnnxProtos.TensorShapeProto;
import org.amct.onnx.proto.OnnxProtos.TypeProto;
import org.amct.onnx.proto.OnnxProtos.ValueInfoProto;

/**
 * Builds ONNX models in code for the tests: Conv, Relu, Add, BatchNormalization, GlobalAveragePool,
 * Flatten, Gemm and Cast nodes with random weights drawn from a seeded generator, so every model is
 * reproducible byte for byte. Not thread-safe.
 */
final class OnnxTestModels {
    static final String EXTERNAL_FILE = "weights.bin";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final SplittableRandom random;
    private final ByteArrayOutputStream external = new ByteArrayOutputStream();
    private long irVersion = 8;
    private long opset = 13;
    private int counter;

    OnnxTestModels(String name, long seed) {
        graph.setName(name);
        random = new SplittableRandom(seed);
    }

    OnnxTestModels irVersion(long value) {
        irVersion = value;
        return this;
    }

    OnnxTestModels opset(long value) {
        opset = value;
        return this;
    }

    GraphProto.Builder graph() {
        return graph;
    }

    OnnxTestModels input(String name, int elemType, long... dims) {
        graph.addInput(valueInfo(name, elemType, dims));
        return this;
    }

    OnnxTestModels output(String name, int elemType, long... dims) {
        graph.addOutput(valueInfo(name, elemType, dims));
        return this;
    }

    static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long dim : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
        }
        TypeProto type =
                TypeProto.newBuilder()
                        .setTensorType(
                                TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))
                        .build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    /** Adds a Conv node reading {@code input}; returns its output's name. */
    String conv(String input, ConvSpec spec) {
        int index = counter++;
        String weightName = spec.weightName != null ? spec.weightName : "w" + index;
        int fanIn = spec.inChannels / spec.group * spec.kernelH * spec.kernelW;
        double bound = 1.0 / Math.sqrt(fanIn);
        int[] shape = {spec.outChannels, spec.inChannels / spec.group, spec.kernelH, spec.kernelW};
        NodeProto.Builder node =
                NodeProto.newBuilder()
                        .setOpType("Conv")
                        .setName(spec.nodeName)
                        .addInput(input)
                        .addInput(weightName);
        addConstant(weightName, uniform(shape, bound, spec.dtype), spec.source);
        if (spec.bias) {
            String biasName =
                    weightName.endsWith(".weight")
                            ? weightName.substring(0, weightName.length() - 7) + ".bias"
                            : "b" + index;
            addConstant(
                    biasName,
                    uniform(new int[] {spec.outChannels}, bound, spec.dtype),
                    spec.source);
            node.addInput(biasName);
        }
        String output = "conv_out" + index;
        node.addOutput(output)
                .addAttribute(ints("kernel_shape", spec.kernelH, spec.kernelW))
                .addAttribute(ints("strides", spec.strides))
                .addAttribute(ints("dilations", spec.dilations))
                .addAttribute(
                        AttributeProto.newBuilder()
                                .setName("group")
                                .setType(OnnxConstants.ATTRIBUTE_INT)
                                .setI(spec.group));
        if (spec.autoPad != null) {
            node.addAttribute(
                    AttributeProto.newBuilder()
                            .setName("auto_pad")
                            .setType(OnnxConstants.ATTRIBUTE_STRING)
                            .setS(ByteString.copyFromUtf8(spec.autoPad)));
        } else {
            node.addAttribute(ints("pads", spec.pads));
        }
        graph.addNode(node);
        return output;
    }

    /** Adds a constant the way {@code source} says. */
    void addConstant(String name, Tensor tensor, ConvSpec.Source source) {
        TensorProto proto = TensorCodec.encode(name, tensor);
        switch (source) {
            case INITIALIZER -> graph.addInitializer(proto);
            case CONSTANT_NODE ->
                    graph.addNode(
                            NodeProto.newBuilder()
                                    .setOpType("Constant")
                                    .setName(name + "_const")
                                    .addOutput(name)
                                    .addAttribute(
                                            AttributeProto.newBuilder()
                                                    .setName("value")
                                                    .setType(OnnxConstants.ATTRIBUTE_TENSOR)
                                                    .setT(proto)));
            case EXTERNAL -> graph.addInitializer(externalize(proto, tensor));
            case FLOAT_DATA -> graph.addInitializer(typed(proto, tensor));
        }
    }

    private TensorProto externalize(TensorProto proto, Tensor tensor) {
        long offset = external.size();
        ByteBuffer data = tensor.data();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        external.writeBytes(bytes);
        return proto.toBuilder()
                .clearRawData()
                .setDataLocation(OnnxConstants.EXTERNAL)
                .addExternalData(entry("location", EXTERNAL_FILE))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(bytes.length)))
                .build();
    }

    /** float32 in float_data; float16 bit patterns in int32_data. */
    private static TensorProto typed(TensorProto proto, Tensor tensor) {
        TensorProto.Builder builder = proto.toBuilder().clearRawData();
        ByteBuffer data = tensor.data();
        for (long i = 0; i < tensor.numel(); i++) {
            switch (tensor.dtype()) {
                case FLOAT32 -> builder.addFloatData(data.getFloat());
                case FLOAT16 -> builder.addInt32Data(data.getShort() & 0xffff);
                default -> throw new IllegalArgumentException(tensor.dtype().toString());
            }
        }
        return builder.build();
    }

    static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    Tensor uniform(int[] shape, double bound, DType dtype) {
        double[] values = new double[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble(-bound, bound);
        }
        return Tensor.fromDoubles(dtype, shape, values);
    }

    Tensor around(int[] shape, double center, double spread) {
        double[] values = new double[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < values.length; i++) {
            values[i] = center + random.nextDouble(-spread, spread);
        }
        return Tensor.fromDoubles(DType.FLOAT32, shape, values);
    }

    /** Adds a node of one output. */
    String node(String opType, String... inputs) {
        String output = opType.toLowerCase(java.util.Locale.ROOT) + "_out" + counter++;
        graph.addNode(
                NodeProto.newBuilder()
                        .setOpType(opType)
                        .addAllInput(Arrays.asList(inputs))
                        .addOutput(output));
        return output;
    }

    String relu(String input) {
        return node("Relu", input);
    }

    String add(String left, String right) {
        return node("Add", left, right);
    }

    /** BatchNormalization with PyTorch's parameter names under {@code prefix}. */
    String batchNorm(String prefix, String input, int channels) {
        int[] shape = {channels};
        addConstant(prefix + ".weight", around(shape, 1.0, 0.1), ConvSpec.Source.INITIALIZER);
        addConstant(
                prefix + ".bias", uniform(shape, 0.1, DType.FLOAT32), ConvSpec.Source.INITIALIZER);
        addConstant(
                prefix + ".running_mean",
                uniform(shape, 0.1, DType.FLOAT32),
                ConvSpec.Source.INITIALIZER);
        addConstant(prefix + ".running_var", around(shape, 1.0, 0.1), ConvSpec.Source.INITIALIZER);
        return node(
                "BatchNormalization",
                input,
                prefix + ".weight",
                prefix + ".bias",
                prefix + ".running_mean",
                prefix + ".running_var");
    }

    /** Gemm with PyTorch's Linear parameter names under {@code prefix}. */
    String linear(String prefix, String input, int in, int out) {
        double bound = 1.0 / Math.sqrt(in);
        addConstant(
                prefix + ".weight",
                uniform(new int[] {out, in}, bound, DType.FLOAT32),
                ConvSpec.Source.INITIALIZER);
        addConstant(
                prefix + ".bias",
                uniform(new int[] {out}, bound, DType.FLOAT32),
                ConvSpec.Source.INITIALIZER);
        String output = node("Gemm", input, prefix + ".weight", prefix + ".bias");
        graph.setNode(
                graph.getNodeCount() - 1,
                graph.getNode(graph.getNodeCount() - 1).toBuilder()
                        .addAttribute(
                                AttributeProto.newBuilder()
                                        .setName("transB")
                                        .setType(OnnxConstants.ATTRIBUTE_INT)
                                        .setI(1)));
        return output;
    }

    /** A Cast node to an ONNX data type. */
    String cast(String input, int to) {
        String output = node("Cast", input);
        graph.setNode(
                graph.getNodeCount() - 1,
                graph.getNode(graph.getNodeCount() - 1).toBuilder()
                        .addAttribute(
                                AttributeProto.newBuilder()
                                        .setName("to")
                                        .setType(OnnxConstants.ATTRIBUTE_INT)
                                        .setI(to)));
        return output;
    }

    /** Renames the last node's output, for example to a graph output's name. */
    void renameLastOutput(String name) {
        int last = graph.getNodeCount() - 1;
        graph.setNode(last, graph.getNode(last).toBuilder().setOutput(0, name));
    }

    static AttributeProto ints(String name, int... values) {
        AttributeProto.Builder builder =
                AttributeProto.newBuilder().setName(name).setType(OnnxConstants.ATTRIBUTE_INTS);
        for (int value : values) {
            builder.addInts(value);
        }
        return builder.build();
    }

    ModelProto build() {
        return ModelProto.newBuilder()
                .setIrVersion(irVersion)
                .setProducerName("amct-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build();
    }

    /** Writes the model (and its external data file, if any) into {@code folder}. */
    Path write(Path folder, String fileName) throws IOException {
        Path file = folder.resolve(fileName);
        Files.write(file, build().toByteArray());
        if (external.size() > 0) {
            Files.write(folder.resolve(EXTERNAL_FILE), external.toByteArray());
        }
        return file;
    }
}
