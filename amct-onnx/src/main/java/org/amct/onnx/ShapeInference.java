package org.amct.onnx;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;
import org.amct.onnx.proto.OnnxProtos.TensorShapeProto;
import org.amct.onnx.proto.OnnxProtos.ValueInfoProto;

/**
 * A small shape propagation from the graph's input shapes, enough to know the height and width of
 * each Conv node's input (for MACs per inference). It follows the ops that real CNNs put between
 * their input and their convs: Conv, pools (max, average, Lp, global), element-wise and
 * broadcasting ops, normalizations, Pad, Concat, Flatten, Gemm, Reshape, Transpose, Resize and
 * Upsample with constant sizes or scales. A value it cannot infer falls back to the shape the file
 * declares for it ({@code value_info}, graph outputs); a value known neither way is unknown, with
 * the reason, and a dimension that is symbolic in the input stays unknown ({@code -1}).
 */
final class ShapeInference {
    private static final Set<String> SAME_SHAPE =
            Set.of(
                    "Relu",
                    "LeakyRelu",
                    "Sigmoid",
                    "Tanh",
                    "Clip",
                    "Elu",
                    "Selu",
                    "Celu",
                    "HardSigmoid",
                    "HardSwish",
                    "Softplus",
                    "Softsign",
                    "Identity",
                    "Dropout",
                    "BatchNormalization",
                    "InstanceNormalization",
                    "LRN",
                    "Cast",
                    "Neg",
                    "Abs",
                    "Exp",
                    "Log",
                    "Sqrt",
                    "Erf",
                    "Gelu",
                    "Mish",
                    "Softmax",
                    "LogSoftmax",
                    "Floor",
                    "Ceil",
                    "Round",
                    "Reciprocal",
                    "LayerNormalization",
                    "QuantizeLinear",
                    "DequantizeLinear",
                    "Sin",
                    "Cos",
                    "Not",
                    "Sign",
                    "ThresholdedRelu",
                    "Shrink",
                    "LpNormalization",
                    "MeanVarianceNormalization",
                    "CastLike");
    private static final Set<String> BROADCAST =
            Set.of(
                    "Add",
                    "Sub",
                    "Mul",
                    "Div",
                    "Pow",
                    "Max",
                    "Min",
                    "Sum",
                    "Mean",
                    "Where",
                    "PRelu",
                    "Equal",
                    "Less",
                    "Greater",
                    "LessOrEqual",
                    "GreaterOrEqual",
                    "And",
                    "Or",
                    "Xor",
                    "Mod",
                    "BitShift");
    private static final Set<String> POOLS = Set.of("MaxPool", "AveragePool", "LpPool");
    private static final Set<String> GLOBAL_POOLS =
            Set.of("GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool");

    private final GraphProto graph;
    private final ConstantValues constants;
    private final String source;
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, String> unknownBecause = new HashMap<>();
    private final Map<String, long[]> declared = new HashMap<>();

    private ShapeInference(GraphProto graph, ConstantValues constants, String source) {
        this.graph = graph;
        this.constants = constants;
        this.source = source;
    }

    /**
     * The input height and width of each mapped Conv2d, where they can be inferred.
     *
     * @param graph the main graph
     * @param constants its constant values
     * @param source the file, for messages
     * @param sites the mapped convs
     * @param strict throw for the first conv whose input size is unknown, instead of leaving it out
     * @return sizes by layer name, in graph order
     * @throws ModelFormatException (when strict) naming the conv, its input and why
     */
    static Map<String, Size2d> convInputSizes(
            GraphProto graph,
            ConstantValues constants,
            String source,
            List<ConvSite> sites,
            boolean strict)
            throws IOException {
        ShapeInference inference = new ShapeInference(graph, constants, source);
        inference.run();
        Map<String, Size2d> out = new LinkedHashMap<>();
        for (ConvSite site : sites) {
            NodeProto node = graph.getNode(site.nodeIndex());
            String input = node.getInput(0);
            long[] shape = inference.shapes.get(input);
            if (shape != null && shape.length == 4 && shape[2] > 0 && shape[3] > 0) {
                out.put(site.layer(), new Size2d((int) shape[2], (int) shape[3]));
            } else if (strict) {
                throw inference.unknown(site, node, input, shape);
            }
        }
        return out;
    }

    private ModelFormatException unknown(
            ConvSite site, NodeProto node, String input, long[] shape) {
        String why;
        if (shape == null) {
            why = unknownBecause.getOrDefault(input, "its shape is not known");
        } else if (shape.length != 4) {
            why = "it has " + shape.length + " dimensions " + format(shape) + ", expected 4";
        } else {
            why = "its height and width are not fixed (shape " + format(shape) + ")";
        }
        return new ModelFormatException(
                "ONNX file '"
                        + source
                        + "': cannot infer the input size of Conv node '"
                        + ConvNodes.describe(node, site.nodeIndex())
                        + "' (layer '"
                        + site.layer()
                        + "') at the model's input shape, needed for MACs per inference: its"
                        + " input '"
                        + input
                        + "': "
                        + why
                        + ". Graph inputs: "
                        + describeInputs()
                        + ". Export the model with a fixed input height and width, or run"
                        + " onnx shape inference so that the file declares the shapes.");
    }

    private String describeInputs() {
        StringBuilder text = new StringBuilder();
        for (ValueInfoProto input : graph.getInputList()) {
            if (constants.proto(input.getName()).isPresent()) {
                continue;
            }
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append('\'').append(input.getName()).append("' ").append(declaredText(input));
        }
        return text.length() == 0 ? "none" : text.toString();
    }

    private static String declaredText(ValueInfoProto info) {
        if (!info.getType().hasTensorType() || !info.getType().getTensorType().hasShape()) {
            return "(no shape declared)";
        }
        StringBuilder text = new StringBuilder("[");
        List<TensorShapeProto.Dimension> dims =
                info.getType().getTensorType().getShape().getDimList();
        for (int i = 0; i < dims.size(); i++) {
            if (i > 0) {
                text.append(',');
            }
            TensorShapeProto.Dimension d = dims.get(i);
            text.append(
                    d.hasDimValue()
                            ? Long.toString(d.getDimValue())
                            : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
        }
        return text.append(']').toString();
    }

    private static String format(long[] shape) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            text.append(i > 0 ? "," : "").append(shape[i] < 0 ? "?" : Long.toString(shape[i]));
        }
        return text.append(']').toString();
    }

    private void run() throws IOException {
        for (ValueInfoProto info : graph.getValueInfoList()) {
            declaredShape(info).ifPresent(s -> declared.put(info.getName(), s));
        }
        for (ValueInfoProto info : graph.getOutputList()) {
            declaredShape(info).ifPresent(s -> declared.put(info.getName(), s));
        }
        for (TensorProto init : graph.getInitializerList()) {
            shapes.put(
                    init.getName(),
                    init.getDimsList().stream().mapToLong(Long::longValue).toArray());
        }
        for (ValueInfoProto input : graph.getInputList()) {
            if (!shapes.containsKey(input.getName())) {
                Optional<long[]> shape = declaredShape(input);
                if (shape.isPresent()) {
                    shapes.put(input.getName(), shape.get());
                } else {
                    unknownBecause.put(
                            input.getName(),
                            "graph input '" + input.getName() + "' declares no shape");
                }
            }
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            String described = ConvNodes.describe(node, i);
            Optional<long[]> out;
            String reason = null;
            String missing = firstUnknownInput(node);
            if (missing != null && !node.getOpType().equals("Constant")) {
                out = Optional.empty();
                reason = unknownBecause.getOrDefault(missing, "input '" + missing + "' is unknown");
            } else {
                try {
                    out = infer(node);
                } catch (RuntimeException e) {
                    out = Optional.empty();
                    reason =
                            "node '"
                                    + described
                                    + "' ("
                                    + node.getOpType()
                                    + "): "
                                    + e.getMessage();
                }
                if (out.isEmpty() && reason == null) {
                    reason =
                            "it comes from node '"
                                    + described
                                    + "' (op "
                                    + node.getOpType()
                                    + "), whose output shape amct does not infer";
                }
            }
            if (node.getOutputCount() == 0) {
                continue;
            }
            String first = node.getOutput(0);
            if (out.isPresent()) {
                shapes.put(first, out.get());
            } else if (declared.containsKey(first)) {
                shapes.put(first, declared.get(first));
            } else {
                unknownBecause.put(first, reason);
            }
            for (int k = 1; k < node.getOutputCount(); k++) {
                String other = node.getOutput(k);
                if (declared.containsKey(other)) {
                    shapes.put(other, declared.get(other));
                } else {
                    unknownBecause.put(other, reason);
                }
            }
        }
    }

    /** The first non-empty input whose shape is unknown, or null. */
    private String firstUnknownInput(NodeProto node) {
        for (String input : node.getInputList()) {
            if (!input.isEmpty() && !shapes.containsKey(input)) {
                return input;
            }
        }
        return null;
    }

    private static Optional<long[]> declaredShape(ValueInfoProto info) {
        if (!info.getType().hasTensorType() || !info.getType().getTensorType().hasShape()) {
            return Optional.empty();
        }
        List<TensorShapeProto.Dimension> dims =
                info.getType().getTensorType().getShape().getDimList();
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            shape[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
        }
        return Optional.of(shape);
    }

    private Optional<long[]> infer(NodeProto node) throws IOException {
        if (!OnnxConstants.isDefaultDomain(node.getDomain())) {
            return Optional.empty();
        }
        String op = node.getOpType();
        if (op.equals("Constant")) {
            return ConstantValues.constantValue(node)
                    .map(t -> t.getDimsList().stream().mapToLong(Long::longValue).toArray());
        }
        long[] x = node.getInputCount() > 0 ? shapes.get(node.getInput(0)) : null;
        if (SAME_SHAPE.contains(op)) {
            return Optional.of(x.clone());
        }
        if (BROADCAST.contains(op)) {
            long[] out = x.clone();
            for (int i = 1; i < node.getInputCount(); i++) {
                if (!node.getInput(i).isEmpty()) {
                    out = broadcast(out, shapes.get(node.getInput(i)));
                }
            }
            return Optional.of(out);
        }
        switch (op) {
            case "Conv":
                return Optional.of(convLike(node, x, shapes.get(node.getInput(1)), true));
            case "MaxPool":
            case "AveragePool":
            case "LpPool":
                return Optional.of(convLike(node, x, null, false));
            case "Pad":
                return pad(node, x);
            case "Concat":
                return Optional.of(concat(node));
            case "Flatten":
                return Optional.of(flatten(node, x));
            case "Gemm":
                return Optional.of(gemm(node, x));
            case "Reshape":
                return reshape(node, x);
            case "Transpose":
                return Optional.of(transpose(node, x));
            case "Resize":
            case "Upsample":
                return resize(node, x);
            default:
                if (GLOBAL_POOLS.contains(op)) {
                    long[] out = x.clone();
                    for (int i = 2; i < out.length; i++) {
                        out[i] = 1;
                    }
                    return Optional.of(out);
                }
                return Optional.empty();
        }
    }

    private static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            long db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da == 1) {
                out[i] = db;
            } else if (db == 1 || da == db) {
                out[i] = da;
            } else if (da < 0 || db < 0) {
                out[i] = Math.max(da, db) > 1 ? Math.max(da, db) : -1;
            } else {
                throw new IllegalArgumentException(
                        "shapes " + format(a) + " and " + format(b) + " do not broadcast");
            }
        }
        return out;
    }

    /** Conv and pools on 4-D NCHW inputs (other ranks are left unknown). */
    private long[] convLike(NodeProto node, long[] x, long[] weight, boolean conv) {
        if (x.length != 4) {
            throw new IllegalArgumentException("input has " + x.length + " dimensions, expected 4");
        }
        long[] kernel;
        long channels;
        if (conv) {
            kernel = new long[] {weight[2], weight[3]};
            channels = weight[0];
        } else {
            kernel =
                    ints(node, "kernel_shape")
                            .orElseThrow(() -> new IllegalArgumentException("no kernel_shape"));
            channels = x[1];
        }
        long[] strides = ints(node, "strides").orElse(new long[] {1, 1});
        long[] dilations = ints(node, "dilations").orElse(new long[] {1, 1});
        long[] pads = ints(node, "pads").orElse(new long[] {0, 0, 0, 0});
        String autoPad = string(node, "auto_pad").orElse("NOTSET");
        boolean ceil = intAttr(node, "ceil_mode", 0) != 0;
        long[] out = {x[0], channels, -1, -1};
        for (int axis = 0; axis < 2; axis++) {
            long in = x[2 + axis];
            if (in < 0) {
                continue;
            }
            long s = strides[axis];
            long span = (kernel[axis] - 1) * dilations[axis] + 1;
            if (autoPad.startsWith("SAME")) {
                out[2 + axis] = (in + s - 1) / s;
            } else if (autoPad.equals("VALID")) {
                out[2 + axis] = (in - span) / s + 1;
            } else {
                long padded = in + pads[axis] + pads[axis + 2] - span;
                long size =
                        ceil ? Math.floorDiv(padded + s - 1, s) + 1 : Math.floorDiv(padded, s) + 1;
                if (ceil && (size - 1) * s >= in + pads[axis]) {
                    size--; // the last window must start inside the input or its start padding
                }
                out[2 + axis] = size;
            }
            if (out[2 + axis] < 1) {
                throw new IllegalArgumentException(
                        "output size "
                                + out[2 + axis]
                                + " on axis "
                                + (2 + axis)
                                + " from input "
                                + in);
            }
        }
        return out;
    }

    private Optional<long[]> pad(NodeProto node, long[] x) throws IOException {
        long[] pads;
        if (node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
            Optional<long[]> constant = constantInts(node.getInput(1));
            if (constant.isEmpty()) {
                return Optional.empty();
            }
            pads = constant.get();
        } else {
            Optional<long[]> attribute = ints(node, "pads");
            if (attribute.isEmpty()) {
                return Optional.empty();
            }
            pads = attribute.get();
        }
        long[] axes = new long[x.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        if (node.getInputCount() > 3 && !node.getInput(3).isEmpty()) {
            Optional<long[]> given = constantInts(node.getInput(3));
            if (given.isEmpty()) {
                return Optional.empty();
            }
            axes = given.get();
        }
        if (pads.length != 2 * axes.length) {
            throw new IllegalArgumentException(
                    "pads has " + pads.length + " values for " + axes.length + " axes");
        }
        long[] out = x.clone();
        for (int i = 0; i < axes.length; i++) {
            int axis = (int) (axes[i] < 0 ? axes[i] + x.length : axes[i]);
            if (out[axis] >= 0) {
                out[axis] += pads[i] + pads[i + axes.length];
            }
        }
        return Optional.of(out);
    }

    private long[] concat(NodeProto node) {
        long axisAttr = intAttr(node, "axis", 0);
        long[] first = shapes.get(node.getInput(0));
        int axis = (int) (axisAttr < 0 ? axisAttr + first.length : axisAttr);
        long[] out = first.clone();
        for (int i = 1; i < node.getInputCount(); i++) {
            long[] other = shapes.get(node.getInput(i));
            out[axis] = out[axis] < 0 || other[axis] < 0 ? -1 : out[axis] + other[axis];
        }
        return out;
    }

    private static long[] flatten(NodeProto node, long[] x) {
        long axisAttr = intAttr(node, "axis", 1);
        int axis = (int) (axisAttr < 0 ? axisAttr + x.length : axisAttr);
        return new long[] {product(x, 0, axis), product(x, axis, x.length)};
    }

    private long[] gemm(NodeProto node, long[] a) {
        long[] b = shapes.get(node.getInput(1));
        boolean transA = intAttr(node, "transA", 0) != 0;
        boolean transB = intAttr(node, "transB", 0) != 0;
        return new long[] {transA ? a[1] : a[0], transB ? b[0] : b[1]};
    }

    private Optional<long[]> reshape(NodeProto node, long[] x) throws IOException {
        Optional<long[]> target = constantInts(node.getInput(1));
        if (target.isEmpty()) {
            return Optional.empty();
        }
        long[] out = target.get().clone();
        boolean allowZero = intAttr(node, "allowzero", 0) != 0;
        int infer = -1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = i < x.length ? x[i] : -1;
            } else if (out[i] == -1) {
                infer = i;
            }
        }
        if (infer >= 0) {
            long known = 1;
            for (int i = 0; i < out.length; i++) {
                if (i != infer) {
                    known = out[i] < 0 ? -1 : known * out[i];
                }
            }
            long total = product(x, 0, x.length);
            out[infer] = known > 0 && total >= 0 ? total / known : -1;
        }
        return Optional.of(out);
    }

    private static long[] transpose(NodeProto node, long[] x) {
        long[] perm = ints(node, "perm").orElse(null);
        long[] out = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[perm == null ? x.length - 1 - i : (int) perm[i]];
        }
        return out;
    }

    private Optional<long[]> resize(NodeProto node, long[] x) throws IOException {
        int count = node.getInputCount();
        if (node.getOpType().equals("Resize") && count > 3 && !node.getInput(3).isEmpty()) {
            return constantInts(node.getInput(3)).map(long[]::clone);
        }
        Optional<double[]> scales = Optional.empty();
        if (node.getOpType().equals("Resize") && count > 2 && !node.getInput(2).isEmpty()) {
            scales = constantDoubles(node.getInput(2));
        } else if (node.getOpType().equals("Upsample") && count > 1) {
            scales = constantDoubles(node.getInput(1));
        }
        if (scales.isEmpty() || scales.get().length != x.length) {
            return Optional.empty();
        }
        long[] out = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] < 0 ? -1 : (long) Math.floor(x[i] * scales.get()[i]);
        }
        return Optional.of(out);
    }

    private static long product(long[] x, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            if (x[i] < 0) {
                return -1;
            }
            p *= x[i];
        }
        return p;
    }

    private Optional<long[]> constantInts(String name) throws IOException {
        return constantDoubles(name)
                .map(values -> Arrays.stream(values).mapToLong(v -> (long) v).toArray());
    }

    private Optional<double[]> constantDoubles(String name) throws IOException {
        if (constants.proto(name).isEmpty()) {
            return Optional.empty();
        }
        Tensor tensor = constants.tensor(name);
        double[] values = new double[(int) tensor.numel()];
        for (int i = 0; i < values.length; i++) {
            values[i] = tensor.getDouble(i);
        }
        return Optional.of(values);
    }

    private static Optional<AttributeProto> attribute(NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    private static Optional<long[]> ints(NodeProto node, String name) {
        return attribute(node, name)
                .map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray());
    }

    private static long intAttr(NodeProto node, String name, long fallback) {
        return attribute(node, name).map(AttributeProto::getI).orElse(fallback);
    }

    private static Optional<String> string(NodeProto node, String name) {
        return attribute(node, name).map(a -> a.getS().toStringUtf8());
    }
}
