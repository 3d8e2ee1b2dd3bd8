package org.amct.onnx;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.SplittableRandom;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.StringStringEntryProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;

/**
 * Seeded structure-aware mutations of an ONNX model, complementing the byte-level {@code
 * MutationFuzzer}: a random byte rarely lands on a dimension, an offset or an attribute of a model
 * whose bytes are mostly weights, while these edits always do. Each mutant gets 1 to 3 edits of
 * tensors (dims, data type, data, external references), Conv attributes, node inputs and outputs,
 * duplicated or dropped elements, and the model's header. The same seed gives the same mutant.
 */
final class OnnxMutator {
    private static final long[] DIMS = {
        0, -1, 1, 2, 3, 7, 1L << 31, (1L << 31) - 1, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE
    };
    private static final String[] COUNTS = {
        "0", "1", "-1", "4", "576", "9223372036854775807", "99999999999999999999", "x", ""
    };
    private static final String[] LOCATIONS = {
        OnnxTestModels.EXTERNAL_FILE, "../escape.bin", "/etc/hostname", ".", "", "a\u0000b", "gone"
    };
    private static final String[] ATTRIBUTES = {
        "group", "strides", "pads", "dilations", "kernel_shape", "auto_pad"
    };
    private static final String[] AUTO_PADS = {"NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER", "?"};

    private final ModelProto valid;

    OnnxMutator(ModelProto valid) {
        this.valid = valid;
    }

    /** The mutant for one seed, serialized. */
    byte[] mutant(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ModelProto.Builder model = valid.toBuilder();
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            edit(model, random);
        }
        return model.build().toByteArray();
    }

    private void edit(ModelProto.Builder model, SplittableRandom random) {
        GraphProto.Builder graph = model.getGraphBuilder();
        switch (random.nextInt(10)) {
            case 0, 1, 2 -> editSomeTensor(graph, random);
            case 3, 4 -> editConvAttribute(graph, random);
            case 5 -> editNodeWiring(graph, random);
            case 6 -> duplicateOrDrop(graph, random);
            case 7 -> editConstantNode(graph, random);
            case 8 -> model.setIrVersion(pick(random, new long[] {0, -1, 3, 4, 99}));
            default -> editSomeTensor(graph, random);
        }
    }

    private static long pick(SplittableRandom random, long[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String pick(SplittableRandom random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static void editSomeTensor(GraphProto.Builder graph, SplittableRandom random) {
        if (graph.getInitializerCount() == 0) {
            return;
        }
        int index = random.nextInt(graph.getInitializerCount());
        TensorProto.Builder tensor = graph.getInitializer(index).toBuilder();
        editTensor(tensor, random);
        graph.setInitializer(index, tensor);
    }

    static void editTensor(TensorProto.Builder tensor, SplittableRandom random) {
        switch (random.nextInt(9)) {
            case 0 -> {
                if (tensor.getDimsCount() > 0) {
                    tensor.setDims(random.nextInt(tensor.getDimsCount()), pick(random, DIMS));
                }
            }
            case 1 -> {
                if (random.nextBoolean() || tensor.getDimsCount() == 0) {
                    tensor.addDims(pick(random, DIMS));
                } else {
                    List<Long> dims = tensor.getDimsList().subList(1, tensor.getDimsCount());
                    tensor.clearDims().addAllDims(List.copyOf(dims));
                }
            }
            case 2 -> tensor.setDataType(random.nextInt(30) - 2);
            case 3 -> {
                ByteString raw = tensor.getRawData();
                tensor.setRawData(raw.substring(0, random.nextInt(raw.size() + 1)));
            }
            case 4 -> {
                // Typed data of a random length in place of raw_data.
                tensor.clearRawData();
                int count = random.nextInt(4) == 0 ? 0 : random.nextInt(1, 200);
                for (int i = 0; i < count; i++) {
                    tensor.addFloatData((float) random.nextDouble());
                    tensor.addInt32Data(random.nextInt());
                }
            }
            case 5 -> external(tensor, random);
            case 6 -> tensor.setDataLocation(random.nextInt(4) - 1);
            case 7 ->
                    tensor.setSegment(
                            TensorProto.Segment.newBuilder()
                                    .setBegin(random.nextInt(10))
                                    .setEnd(random.nextInt(10)));
            default -> tensor.setName(random.nextBoolean() ? "" : "renamed." + random.nextInt(3));
        }
    }

    private static void external(TensorProto.Builder tensor, SplittableRandom random) {
        if (tensor.getDataLocation() != OnnxConstants.EXTERNAL || random.nextInt(3) == 0) {
            tensor.clearRawData().clearExternalData().setDataLocation(OnnxConstants.EXTERNAL);
            tensor.addExternalData(entry("location", pick(random, LOCATIONS)));
        }
        int entries = random.nextInt(3);
        for (int i = 0; i < entries; i++) {
            String key = random.nextBoolean() ? "offset" : "length";
            String value = random.nextInt(4) == 0 ? pick(random, LOCATIONS) : pick(random, COUNTS);
            tensor.addExternalData(entry(random.nextInt(8) == 0 ? "location" : key, value));
        }
        if (random.nextInt(4) == 0 && tensor.getExternalDataCount() > 0) {
            tensor.removeExternalData(random.nextInt(tensor.getExternalDataCount()));
        }
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static int someNode(GraphProto.Builder graph, SplittableRandom random, String op) {
        List<Integer> matches =
                java.util.stream.IntStream.range(0, graph.getNodeCount())
                        .filter(i -> graph.getNode(i).getOpType().equals(op))
                        .boxed()
                        .toList();
        if (matches.isEmpty()) {
            return graph.getNodeCount() == 0 ? -1 : random.nextInt(graph.getNodeCount());
        }
        return matches.get(random.nextInt(matches.size()));
    }

    private static void editConvAttribute(GraphProto.Builder graph, SplittableRandom random) {
        int index = someNode(graph, random, "Conv");
        if (index < 0) {
            return;
        }
        String name = pick(random, ATTRIBUTES);
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name);
        switch (random.nextInt(4)) {
            case 0 -> attribute.setType(OnnxConstants.ATTRIBUTE_INT).setI(pick(random, DIMS));
            case 1 -> {
                attribute.setType(OnnxConstants.ATTRIBUTE_INTS);
                int count = random.nextInt(6);
                for (int i = 0; i < count; i++) {
                    attribute.addInts(random.nextInt(3) == 0 ? pick(random, DIMS) : 1 + i % 3);
                }
            }
            case 2 ->
                    attribute
                            .setType(OnnxConstants.ATTRIBUTE_STRING)
                            .setS(ByteString.copyFromUtf8(pick(random, AUTO_PADS)));
            default -> attribute.setType(random.nextInt(16));
        }
        NodeProto.Builder node = graph.getNode(index).toBuilder();
        if (random.nextBoolean()) {
            List<AttributeProto> others =
                    node.getAttributeList().stream()
                            .filter(a -> !a.getName().equals(name))
                            .toList();
            node.clearAttribute().addAllAttribute(others);
        }
        graph.setNode(index, node.addAttribute(attribute));
    }

    private static void editNodeWiring(GraphProto.Builder graph, SplittableRandom random) {
        int index = someNode(graph, random, random.nextBoolean() ? "Conv" : "Constant");
        if (index < 0) {
            return;
        }
        NodeProto.Builder node = graph.getNode(index).toBuilder();
        String other = anyValueName(graph, random);
        switch (random.nextInt(5)) {
            case 0 -> {
                if (node.getInputCount() > 0) {
                    node.setInput(random.nextInt(node.getInputCount()), other);
                }
            }
            case 1 -> node.addInput(other);
            case 2 -> {
                List<String> inputs = node.getInputList();
                int keep = random.nextInt(inputs.size() + 1);
                node.clearInput().addAllInput(List.copyOf(inputs.subList(0, keep)));
            }
            case 3 -> {
                if (node.getOutputCount() > 0) {
                    node.setOutput(0, other);
                }
            }
            default -> node.setOpType(random.nextBoolean() ? "Conv" : "Constant");
        }
        graph.setNode(index, node);
    }

    private static String anyValueName(GraphProto.Builder graph, SplittableRandom random) {
        if (random.nextInt(5) == 0 || graph.getInitializerCount() == 0) {
            return random.nextBoolean() ? "" : "nowhere";
        }
        return graph.getInitializer(random.nextInt(graph.getInitializerCount())).getName();
    }

    private static void duplicateOrDrop(GraphProto.Builder graph, SplittableRandom random) {
        boolean tensors = random.nextBoolean() && graph.getInitializerCount() > 0;
        int count = tensors ? graph.getInitializerCount() : graph.getNodeCount();
        if (count == 0) {
            return;
        }
        int index = random.nextInt(count);
        if (random.nextBoolean()) {
            if (tensors) {
                graph.addInitializer(graph.getInitializer(index));
            } else {
                graph.addNode(graph.getNode(index));
            }
        } else if (tensors) {
            graph.removeInitializer(index);
        } else {
            graph.removeNode(index);
        }
    }

    private static void editConstantNode(GraphProto.Builder graph, SplittableRandom random) {
        int index = someNode(graph, random, "Constant");
        if (index < 0) {
            return;
        }
        NodeProto.Builder node = graph.getNode(index).toBuilder();
        for (int a = 0; a < node.getAttributeCount(); a++) {
            AttributeProto attribute = node.getAttribute(a);
            if (attribute.hasT()) {
                if (random.nextInt(4) == 0) {
                    node.setAttribute(a, attribute.toBuilder().clearT());
                } else {
                    TensorProto.Builder tensor = attribute.getT().toBuilder();
                    editTensor(tensor, random);
                    node.setAttribute(a, attribute.toBuilder().setT(tensor));
                }
                break;
            }
        }
        graph.setNode(index, node);
    }

    /** The classes of {@link #hostile}: the seed modulo their count picks one. */
    enum Hostile {
        /** A string field (node, tensor, graph or model) that is not UTF-8. */
        NOT_UTF8,
        /** An initializer no Conv uses, with impossible dims or data that does not fit them. */
        UNUSED_INITIALIZER,
        /** A Constant node no Conv uses, with such a tensor. */
        UNUSED_CONSTANT,
        /** A Conv weight or node name of up to a megabyte. */
        LONG_NAME
    }

    /**
     * A mutant of one of the classes the hostile-input run found (issue 16), so that each class
     * gets cases every build, whichever the byte and structure mutations happen to hit.
     */
    byte[] hostile(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        // LONG_NAME only by longName(seed): its mutants are not always invalid.
        Hostile kind = Hostile.values()[(int) Math.floorMod(seed, 3L)];
        ModelProto.Builder model = valid.toBuilder();
        GraphProto.Builder graph = model.getGraphBuilder();
        switch (kind) {
            case NOT_UTF8 -> notUtf8(model, graph, random);
            case UNUSED_INITIALIZER ->
                    graph.addInitializer(hostileTensor("unused." + seed, random));
            case UNUSED_CONSTANT ->
                    graph.addNode(
                            NodeProto.newBuilder()
                                    .setOpType("Constant")
                                    .setName("k" + seed)
                                    .addOutput("k" + seed)
                                    .addAttribute(
                                            AttributeProto.newBuilder()
                                                    .setName("value")
                                                    .setType(OnnxConstants.ATTRIBUTE_TENSOR)
                                                    .setT(hostileTensor("", random))));
            case LONG_NAME -> longName(graph, random);
        }
        return model.build().toByteArray();
    }

    /** Locations that can never hold a tensor's data. */
    private static final String[] BAD_LOCATIONS = {
        "../escape.bin", "/etc/hostname", ".", "", "a\u0000b", "gone"
    };

    /**
     * A mutant with a weight or Conv node name of up to a megabyte: refused or not, any message
     * stays short.
     */
    byte[] longName(long seed) {
        ModelProto.Builder model = valid.toBuilder();
        longName(model.getGraphBuilder(), new SplittableRandom(seed));
        return model.build().toByteArray();
    }

    /** Invalid UTF-8: a lone continuation byte, a cut sequence, an overlong form, a surrogate. */
    private static final byte[][] BAD_UTF8 = {
        {(byte) 0x80},
        {(byte) 0xC3},
        {(byte) 0xE2, (byte) 0x82},
        {(byte) 0xC0, (byte) 0xAF},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xFF},
        {(byte) 0xF8, (byte) 0x88}
    };

    private static void notUtf8(
            ModelProto.Builder model, GraphProto.Builder graph, SplittableRandom random) {
        byte[] bad = BAD_UTF8[random.nextInt(BAD_UTF8.length)];
        ByteString text =
                ByteString.copyFromUtf8("n" + random.nextInt(100))
                        .concat(ByteString.copyFrom(bad))
                        .concat(ByteString.copyFromUtf8(random.nextBoolean() ? "x" : ""));
        switch (random.nextInt(6)) {
            case 0 -> model.setProducerNameBytes(text);
            case 1 -> graph.setNameBytes(text);
            case 2 -> {
                int n = random.nextInt(graph.getNodeCount());
                graph.setNode(n, graph.getNode(n).toBuilder().setNameBytes(text));
            }
            case 3 -> {
                int n = random.nextInt(graph.getNodeCount());
                graph.setNode(n, graph.getNode(n).toBuilder().setDocStringBytes(text));
            }
            case 4 -> {
                if (graph.getInitializerCount() > 0) {
                    int t = random.nextInt(graph.getInitializerCount());
                    graph.setInitializer(
                            t, graph.getInitializer(t).toBuilder().setDocStringBytes(text));
                } else {
                    graph.setDocStringBytes(text);
                }
            }
            default -> {
                int n = random.nextInt(graph.getNodeCount());
                NodeProto node = graph.getNode(n);
                if (node.getAttributeCount() > 0) {
                    int a = random.nextInt(node.getAttributeCount());
                    graph.setNode(
                            n,
                            node.toBuilder()
                                    .setAttribute(
                                            a,
                                            node.getAttribute(a).toBuilder().setNameBytes(text)));
                } else {
                    graph.setNode(n, node.toBuilder().setOpTypeBytes(text));
                }
            }
        }
    }

    /** A tensor whose dims and data cannot agree: huge or negative dims, short or typed data. */
    private static TensorProto hostileTensor(String name, SplittableRandom random) {
        TensorProto.Builder t =
                TensorProto.newBuilder()
                        .setName(name)
                        .setDataType(
                                random.nextBoolean() ? OnnxConstants.FLOAT : random.nextInt(1, 24));
        int rank = random.nextInt(1, 4);
        boolean impossible = random.nextBoolean();
        for (int i = 0; i < rank; i++) {
            // Possible dims of at least 100 elements: more than the data below can hold.
            t.addDims(impossible ? pick(random, DIMS) : random.nextInt(100, 1_000_001));
        }
        if (impossible && random.nextBoolean()) {
            t.setDims(0, 1_000_000_000_000L); // 10^12 elements and a few bytes of data
        }
        switch (random.nextInt(3)) {
            case 0 -> t.setRawData(ByteString.copyFrom(new byte[random.nextInt(41)]));
            case 1 -> {
                for (int i = random.nextInt(17); i > 0; i--) {
                    t.addFloatData(1f);
                }
            }
            default -> {
                t.setDataLocation(OnnxConstants.EXTERNAL)
                        .addExternalData(entry("location", pick(random, BAD_LOCATIONS)))
                        .addExternalData(entry("offset", pick(random, COUNTS)));
            }
        }
        return t.build();
    }

    private static void longName(GraphProto.Builder graph, SplittableRandom random) {
        String name = "w".repeat(random.nextInt(1, 1 << 20));
        int conv = someNode(graph, random, "Conv");
        NodeProto node = graph.getNode(conv);
        if (random.nextBoolean() && node.getInputCount() > 1) {
            // Rename the weight everywhere, and break it so that the name must be quoted.
            String weight = node.getInput(1);
            for (int i = 0; i < graph.getInitializerCount(); i++) {
                if (graph.getInitializer(i).getName().equals(weight)) {
                    graph.setInitializer(
                            i, graph.getInitializer(i).toBuilder().setName(name).setDataType(99));
                }
            }
            for (int n = 0; n < graph.getNodeCount(); n++) {
                NodeProto constant = graph.getNode(n);
                if (constant.getOpType().equals("Constant")
                        && constant.getOutputCount() == 1
                        && constant.getOutput(0).equals(weight)) {
                    NodeProto.Builder renamed = constant.toBuilder().setOutput(0, name);
                    for (int a = 0; a < renamed.getAttributeCount(); a++) {
                        if (renamed.getAttribute(a).hasT()) {
                            AttributeProto.Builder value = renamed.getAttribute(a).toBuilder();
                            value.getTBuilder().setDataType(99);
                            renamed.setAttribute(a, value);
                        }
                    }
                    graph.setNode(n, renamed);
                }
            }
            graph.setNode(conv, graph.getNode(conv).toBuilder().setInput(1, name));
        } else {
            graph.setNode(
                    conv,
                    node.toBuilder()
                            .setName(name)
                            .addAttribute(
                                    AttributeProto.newBuilder()
                                            .setName("group")
                                            .setType(OnnxConstants.ATTRIBUTE_INT)
                                            .setI(3)));
        }
    }
}
