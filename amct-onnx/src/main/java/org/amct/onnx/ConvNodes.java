package org.amct.onnx;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.exception.Quoted;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Padding;
import org.amct.api.graph.PaddingMode;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;

/** Reads ONNX {@code Conv} nodes as {@link Conv2d} layers. */
final class ConvNodes {
    private ConvNodes() {}

    /** What reading one {@code Conv} node gave. */
    sealed interface Reading permits Mapped, Unmapped {}

    /**
     * A 2-D convolution with constant weights.
     *
     * @param conv the layer
     * @param weightName the weight's value name
     * @param biasName the bias's value name, if any
     * @param autoPad the node's {@code auto_pad}
     */
    record Mapped(Conv2d conv, String weightName, Optional<String> biasName, AutoPad autoPad)
            implements Reading {}

    /**
     * A convolution that stays opaque.
     *
     * @param reason why
     */
    record Unmapped(String reason) implements Reading {}

    /** Whether a node is an ONNX {@code Conv}. */
    static boolean isConv(NodeProto node) {
        return node.getOpType().equals("Conv") && OnnxConstants.isDefaultDomain(node.getDomain());
    }

    /** A description of a node for messages: its name, or its index and first output. */
    static String describe(NodeProto node, int index) {
        if (!node.getName().isEmpty()) {
            return node.getName();
        }
        String output = node.getOutputCount() > 0 ? " (output '" + node.getOutput(0) + "')" : "";
        return node.getOpType() + " node #" + index + output;
    }

    /**
     * Reads a {@code Conv} node.
     *
     * @param node the node
     * @param constants the graph's constant values
     * @param where names the file and node, for messages
     * @return the layer, or why it stays opaque
     * @throws IOException if external data cannot be read
     * @throws ModelFormatException if the node or its tensors are malformed
     */
    static Reading read(NodeProto node, ConstantValues constants, String where) throws IOException {
        if (node.getInputCount() < 2 || node.getInput(1).isEmpty()) {
            throw new ModelFormatException(where + ": a Conv node needs inputs X and W");
        }
        String weightName = node.getInput(1);
        Optional<TensorProto> weight = constants.proto(weightName);
        if (weight.isEmpty()) {
            return new Unmapped("weight " + Quoted.of(weightName) + " is computed at run time");
        }
        String weightWhere = where + ", weight " + Quoted.of(weightName);
        int rank = weight.get().getDimsCount();
        if (rank < 3) {
            throw new ModelFormatException(
                    weightWhere
                            + ": dims "
                            + weight.get().getDimsList()
                            + " have rank "
                            + rank
                            + ", but a Conv weight has rank 3 or more"
                            + " [out_channels, in_channels / group, kernel...]");
        }
        if (rank != 4) {
            return new Unmapped((rank - 2) + "-D convolution (weight rank " + rank + ")");
        }
        DType dtype = TensorCodec.dtype(weight.get(), weightWhere);
        if (!dtype.isFloatingPoint()) {
            return new Unmapped("weight type " + dtype);
        }
        checkPositiveDims(weight.get(), weightWhere);
        Optional<String> biasName =
                node.getInputCount() > 2 && !node.getInput(2).isEmpty()
                        ? Optional.of(node.getInput(2))
                        : Optional.empty();
        if (biasName.isPresent() && constants.proto(biasName.get()).isEmpty()) {
            return new Unmapped("bias " + Quoted.of(biasName.get()) + " is computed at run time");
        }
        Tensor weightTensor = constants.tensor(weightName);
        Optional<Tensor> bias =
                biasName.isPresent()
                        ? Optional.of(constants.tensor(biasName.get()))
                        : Optional.empty();
        return build(node, weightTensor, bias, weightName, biasName, where);
    }

    /** A Conv weight needs every dimension {@code >= 1}: checked before its data is read. */
    private static void checkPositiveDims(TensorProto weight, String where) {
        for (int i = 0; i < weight.getDimsCount(); i++) {
            if (weight.getDims(i) < 1) {
                throw new ModelFormatException(
                        where
                                + ": dims "
                                + weight.getDimsList()
                                + " have "
                                + weight.getDims(i)
                                + " at index "
                                + i
                                + ", but every dimension of a Conv weight must be >= 1");
            }
        }
    }

    private static Reading build(
            NodeProto node,
            Tensor weight,
            Optional<Tensor> bias,
            String weightName,
            Optional<String> biasName,
            String where) {
        int groups = group(node, weight.dim(0), where);
        long inChannels = (long) weight.dim(1) * groups;
        if (inChannels > Integer.MAX_VALUE) {
            throw new ModelFormatException(
                    where
                            + ": group "
                            + groups
                            + " times the weight's "
                            + weight.dim(1)
                            + " input channels per group is more than 2^31-1 channels");
        }
        Size2d kernel = new Size2d(weight.dim(2), weight.dim(3));
        checkKernelShape(node, kernel, where);
        Size2d stride = pair(node, "strides", where);
        Size2d dilation = pair(node, "dilations", where);
        String autoPadValue = stringAttribute(node, "auto_pad", where).orElse("NOTSET");
        AutoPad autoPad =
                AutoPad.parse(autoPadValue)
                        .orElseThrow(
                                () ->
                                        new ModelFormatException(
                                                where
                                                        + ": auto_pad is '"
                                                        + autoPadValue
                                                        + "', expected NOTSET, VALID, SAME_UPPER"
                                                        + " or SAME_LOWER"));
        Padding padding = padding(node, autoPad, kernel, stride, dilation, where);
        try {
            Conv2d conv =
                    new Conv2d(
                            (int) inChannels,
                            weight.dim(0),
                            kernel,
                            stride,
                            padding,
                            dilation,
                            groups,
                            PaddingMode.ZEROS,
                            weight,
                            bias);
            return new Mapped(conv, weightName, biasName, autoPad);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(where + ": " + e.getMessage(), e);
        }
    }

    private static int group(NodeProto node, int outChannels, String where) {
        long group = intAttribute(node, "group", 1, where);
        if (group < 1 || group > outChannels || outChannels % group != 0) {
            throw new ModelFormatException(
                    where
                            + ": group is "
                            + group
                            + ", expected a divisor of the weight's "
                            + outChannels
                            + " output channels (1 for an ordinary convolution)");
        }
        return (int) group;
    }

    private static void checkKernelShape(NodeProto node, Size2d kernel, String where) {
        Optional<List<Long>> shape = intsAttribute(node, "kernel_shape", where);
        if (shape.isPresent()
                && !shape.get().equals(List.of((long) kernel.height(), (long) kernel.width()))) {
            throw new ModelFormatException(
                    where
                            + ": kernel_shape is "
                            + shape.get()
                            + " but the weight's kernel is "
                            + kernel);
        }
    }

    private static Size2d pair(NodeProto node, String name, String where) {
        List<Long> values = intsAttribute(node, name, where).orElse(List.of(1L, 1L));
        if (values.size() != 2 || values.stream().anyMatch(v -> v < 1 || v > Integer.MAX_VALUE)) {
            throw new ModelFormatException(
                    where + ": " + name + " is " + values + ", expected two values 1 .. 2^31-1");
        }
        return new Size2d(values.get(0).intValue(), values.get(1).intValue());
    }

    private static Padding padding(
            NodeProto node,
            AutoPad autoPad,
            Size2d kernel,
            Size2d stride,
            Size2d dilation,
            String where) {
        if (autoPad == AutoPad.VALID) {
            return Padding.NONE;
        }
        if (autoPad.isSame()) {
            long[] height =
                    autoPad.samePadding(kernel.height(), stride.height(), dilation.height());
            long[] width = autoPad.samePadding(kernel.width(), stride.width(), dilation.width());
            if (Math.max(height[1], width[1]) > Integer.MAX_VALUE
                    || Math.max(height[0], width[0]) > Integer.MAX_VALUE) {
                throw new ModelFormatException(
                        where
                                + ": auto_pad "
                                + autoPad
                                + " with kernel "
                                + kernel
                                + " and dilations "
                                + dilation
                                + " needs a padding of more than 2^31-1");
            }
            return new Padding((int) height[0], (int) width[0], (int) height[1], (int) width[1]);
        }
        List<Long> pads = intsAttribute(node, "pads", where).orElse(List.of(0L, 0L, 0L, 0L));
        if (pads.size() != 4 || pads.stream().anyMatch(p -> p < 0 || p > Integer.MAX_VALUE)) {
            throw new ModelFormatException(
                    where + ": pads is " + pads + ", expected four values 0 .. 2^31-1");
        }
        // ONNX order: [top, left, bottom, right] (x1_begin, x2_begin, x1_end, x2_end).
        return new Padding(
                pads.get(0).intValue(),
                pads.get(1).intValue(),
                pads.get(2).intValue(),
                pads.get(3).intValue());
    }

    /**
     * The attribute of that name, checked to appear once and to have the expected type (or none:
     * files from before IR version 2 do not set it).
     */
    private static Optional<AttributeProto> attribute(
            NodeProto node, String name, int type, String where) {
        List<AttributeProto> found =
                node.getAttributeList().stream().filter(a -> a.getName().equals(name)).toList();
        if (found.size() > 1) {
            throw new ModelFormatException(
                    where + ": attribute '" + name + "' appears " + found.size() + " times");
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        AttributeProto attribute = found.get(0);
        if (attribute.getType() != 0 && attribute.getType() != type) {
            throw new ModelFormatException(
                    where
                            + ": attribute '"
                            + name
                            + "' has type "
                            + OnnxConstants.attributeTypeName(attribute.getType())
                            + ", expected "
                            + OnnxConstants.attributeTypeName(type));
        }
        return Optional.of(attribute);
    }

    private static long intAttribute(NodeProto node, String name, long fallback, String where) {
        return attribute(node, name, OnnxConstants.ATTRIBUTE_INT, where)
                .map(AttributeProto::getI)
                .orElse(fallback);
    }

    private static Optional<List<Long>> intsAttribute(NodeProto node, String name, String where) {
        return attribute(node, name, OnnxConstants.ATTRIBUTE_INTS, where)
                .map(AttributeProto::getIntsList);
    }

    private static Optional<String> stringAttribute(NodeProto node, String name, String where) {
        return attribute(node, name, OnnxConstants.ATTRIBUTE_STRING, where)
                .map(a -> a.getS().toStringUtf8());
    }
}
