package org.amct.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TypeProto;
import org.amct.onnx.proto.OnnxProtos.ValueInfoProto;

/**
 * Adds to a model, for each probed Conv layer, a branch from the layer's input that sums the outer
 * products of its input patches in float64: {@code Cast(float) -> Conv(extractor) -> Cast(double)
 * -> Transpose(1,0,2,3) -> Reshape(d, -1) = Y}, then {@code MatMul(Y, Transpose(Y))} and {@code
 * Shape(Y)} as new graph outputs. The extractor conv (one-hot weights) copies patches exactly, so
 * the only rounding is the float64 accumulation. The original outputs stay first and unchanged.
 */
final class ProbeWriter {
    private ProbeWriter() {}

    /** The rewritten model and the names of the outputs it added. */
    record Probed(ModelProto model, List<PatchProbe> probes) {}

    static Probed add(
            ModelProto original,
            List<ConvSite> sites,
            Map<String, Conv2d> extractors,
            String source) {
        Map<String, ConvSite> byLayer = new LinkedHashMap<>();
        sites.forEach(site -> byLayer.put(site.layer(), site));
        GraphProto graph = original.getGraph();
        NameAllocator values = new NameAllocator(GraphNames.values(graph));
        NameAllocator nodeNames = new NameAllocator(GraphNames.nodes(graph));
        GraphProto.Builder builder = graph.toBuilder();
        List<PatchProbe> probes = new ArrayList<>();
        for (Map.Entry<String, Conv2d> entry : extractors.entrySet()) {
            String layer = entry.getKey();
            ConvSite site = byLayer.get(layer);
            if (site == null) {
                throw new ModelMismatchException(
                        "Layer '"
                                + layer
                                + "' has no Conv node in ONNX file '"
                                + source
                                + "'; probe only layers of this file's graph()");
            }
            Conv2d extractor = entry.getValue();
            if (extractor.inChannels() != site.conv().inChannels()) {
                throw new ModelMismatchException(
                        "Layer '"
                                + layer
                                + "' of ONNX file '"
                                + source
                                + "' has "
                                + site.conv().inChannels()
                                + " input channels but its patch extractor takes "
                                + extractor.inChannels());
            }
            String input = graph.getNode(site.nodeIndex()).getInput(0);
            probes.add(branch(builder, layer, input, extractor, site.autoPad(), values, nodeNames));
        }
        return new Probed(original.toBuilder().setGraph(builder).build(), probes);
    }

    private static PatchProbe branch(
            GraphProto.Builder graph,
            String layer,
            String input,
            Conv2d extractor,
            AutoPad autoPad,
            NameAllocator values,
            NameAllocator nodes) {
        String prefix = "amct.probe." + layer;
        String asFloat = values.allocate(prefix + ".input");
        String weight = values.allocate(prefix + ".extractor");
        String patches = values.allocate(prefix + ".patches");
        String asDouble = values.allocate(prefix + ".patches_f64");
        String channelsFirst = values.allocate(prefix + ".channels_first");
        String shapeConst = values.allocate(prefix + ".matrix_shape");
        String y = values.allocate(prefix + ".matrix");
        String yt = values.allocate(prefix + ".matrix_t");
        String sum = values.allocate(prefix + ".sum");
        String shape = values.allocate(prefix + ".shape");
        int d = extractor.outChannels();
        graph.addNode(cast(nodes, prefix, input, asFloat, OnnxConstants.FLOAT));
        graph.addNode(OnnxWriter.constantNode(weight, extractor.weight(), nodes));
        NodeProto.Builder conv =
                NodeProto.newBuilder()
                        .setName(nodes.allocate(prefix + ".conv"))
                        .setOpType("Conv")
                        .addInput(asFloat)
                        .addInput(weight)
                        .addOutput(patches)
                        .addAttribute(ints("kernel_shape", extractor.kernelSize().toList()))
                        .addAttribute(ints("strides", extractor.stride().toList()))
                        .addAttribute(ints("dilations", extractor.dilation().toList()));
        if (autoPad.isSame()) {
            conv.addAttribute(
                    AttributeProto.newBuilder()
                            .setName("auto_pad")
                            .setType(OnnxConstants.ATTRIBUTE_STRING)
                            .setS(ByteString.copyFromUtf8(autoPad.name())));
        } else {
            var p = extractor.padding();
            conv.addAttribute(ints("pads", List.of(p.top(), p.left(), p.bottom(), p.right())));
        }
        graph.addNode(conv);
        graph.addNode(cast(nodes, prefix, patches, asDouble, OnnxConstants.DOUBLE));
        graph.addNode(
                NodeProto.newBuilder()
                        .setName(nodes.allocate(prefix + ".transpose"))
                        .setOpType("Transpose")
                        .addInput(asDouble)
                        .addOutput(channelsFirst)
                        .addAttribute(ints("perm", List.of(1, 0, 2, 3))));
        graph.addNode(OnnxWriter.constantNode(shapeConst, reshapeTarget(d), nodes));
        graph.addNode(
                NodeProto.newBuilder()
                        .setName(nodes.allocate(prefix + ".reshape"))
                        .setOpType("Reshape")
                        .addInput(channelsFirst)
                        .addInput(shapeConst)
                        .addOutput(y));
        graph.addNode(
                NodeProto.newBuilder()
                        .setName(nodes.allocate(prefix + ".transpose_matrix"))
                        .setOpType("Transpose")
                        .addInput(y)
                        .addOutput(yt));
        graph.addNode(
                NodeProto.newBuilder()
                        .setName(nodes.allocate(prefix + ".gram"))
                        .setOpType("MatMul")
                        .addInput(y)
                        .addInput(yt)
                        .addOutput(sum));
        graph.addNode(
                NodeProto.newBuilder()
                        .setName(nodes.allocate(prefix + ".shape"))
                        .setOpType("Shape")
                        .addInput(y)
                        .addOutput(shape));
        graph.addOutput(output(sum, OnnxConstants.DOUBLE));
        graph.addOutput(output(shape, OnnxConstants.INT64));
        return new PatchProbe(layer, sum, shape);
    }

    /** The int64 target shape {@code [d, -1]} of the Reshape. */
    private static Tensor reshapeTarget(int d) {
        ByteBuffer bytes = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(d).putLong(-1L).flip();
        return Tensor.wrap(DType.INT64, new int[] {2}, bytes);
    }

    private static NodeProto cast(
            NameAllocator nodes, String prefix, String input, String output, int to) {
        return NodeProto.newBuilder()
                .setName(nodes.allocate(prefix + ".cast"))
                .setOpType("Cast")
                .addInput(input)
                .addOutput(output)
                .addAttribute(
                        AttributeProto.newBuilder()
                                .setName("to")
                                .setType(OnnxConstants.ATTRIBUTE_INT)
                                .setI(to))
                .build();
    }

    private static AttributeProto ints(String name, List<Integer> values) {
        AttributeProto.Builder builder =
                AttributeProto.newBuilder().setName(name).setType(OnnxConstants.ATTRIBUTE_INTS);
        values.forEach(v -> builder.addInts(v));
        return builder.build();
    }

    private static ValueInfoProto output(String name, int elemType) {
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        TypeProto.newBuilder()
                                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType)))
                .build();
    }
}
