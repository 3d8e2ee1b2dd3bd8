package org.amct.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.exception.Quoted;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;

/**
 * The values of a graph that are constants: initializers and the outputs of {@code Constant} nodes
 * with a {@code value} tensor. Decoded tensors are cached, so every layer that uses one value
 * shares one {@link Tensor} instance. Not thread-safe.
 */
final class ConstantValues {
    private final Map<String, TensorProto> protos = new HashMap<>();
    private final Map<String, Integer> constantNodes = new HashMap<>();
    private final Map<String, Tensor> decoded = new HashMap<>();
    private final Path modelFolder;
    private final String source;

    /**
     * Indexes a graph's constants.
     *
     * @throws ModelFormatException if two initializers share a name, or two nodes an output
     */
    ConstantValues(GraphProto graph, Path modelFolder, String source) {
        this.modelFolder = modelFolder;
        this.source = source;
        Map<String, Integer> producers = new HashMap<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            for (String output : node.getOutputList()) {
                Integer earlier = output.isEmpty() ? null : producers.putIfAbsent(output, i);
                if (earlier != null) {
                    throw new ModelFormatException(
                            "ONNX file '"
                                    + source
                                    + "': value '"
                                    + output
                                    + "' is an output of node '"
                                    + ConvNodes.describe(graph.getNode(earlier), earlier)
                                    + "' and of node '"
                                    + ConvNodes.describe(node, i)
                                    + "'. A value must have one producer (ONNX graphs are in"
                                    + " single static assignment form); fix or re-export the"
                                    + " model.");
                }
            }
            Optional<TensorProto> value = constantValue(node);
            if (value.isPresent() && node.getOutputCount() == 1) {
                protos.put(node.getOutput(0), value.get());
                constantNodes.put(node.getOutput(0), i);
            }
        }
        // Initializers win over nodes of the same name, as in ONNX Runtime.
        Map<String, Integer> initializers = new HashMap<>();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto initializer = graph.getInitializer(i);
            Integer earlier = initializers.putIfAbsent(initializer.getName(), i);
            if (earlier != null) {
                throw new ModelFormatException(
                        "ONNX file '"
                                + source
                                + "': initializer '"
                                + initializer.getName()
                                + "' is defined twice (initializers #"
                                + earlier
                                + " and #"
                                + i
                                + "). Tensor names must be unique in a graph; fix or re-export"
                                + " the model.");
            }
            protos.put(initializer.getName(), initializer);
            constantNodes.remove(initializer.getName());
        }
    }

    /** The tensor of a {@code Constant} node of the default domain, if it has one. */
    static Optional<TensorProto> constantValue(NodeProto node) {
        if (!node.getOpType().equals("Constant")
                || !OnnxConstants.isDefaultDomain(node.getDomain())) {
            return Optional.empty();
        }
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals("value") && attribute.hasT()) {
                return Optional.of(attribute.getT());
            }
        }
        return Optional.empty();
    }

    /** The proto of a constant value, if the value is constant. */
    Optional<TensorProto> proto(String name) {
        return Optional.ofNullable(protos.get(name));
    }

    /** The index of the {@code Constant} node that produces the value, if one does. */
    Optional<Integer> constantNode(String name) {
        return Optional.ofNullable(constantNodes.get(name));
    }

    /** The decoded tensor of a constant value (which must exist). */
    Tensor tensor(String name) throws IOException {
        Tensor cached = decoded.get(name);
        if (cached == null) {
            String where = "ONNX file '" + source + "', tensor " + Quoted.of(name);
            cached = TensorCodec.decode(protos.get(name), modelFolder, where);
            decoded.put(name, cached);
        }
        return cached;
    }
}
