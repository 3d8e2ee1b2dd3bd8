package org.amct.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.exception.Quoted;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;

/**
 * The values of a graph that are constants: initializers, the outputs of {@code Constant} nodes
 * with a {@code value} tensor, and the outputs of {@code Identity} nodes (and chains of them) whose
 * input is one of these, as torch.onnx writes for the initializers it deduplicates. Decoded tensors
 * are cached by the value they resolve to, so every layer that uses one value shares one {@link
 * Tensor} instance. Not thread-safe.
 */
final class ConstantValues {
    private final Map<String, TensorProto> protos = new HashMap<>();
    private final Map<String, Integer> constantNodes = new HashMap<>();
    private final Map<String, String> identityInputs = new HashMap<>();
    private final Map<String, Tensor> decoded = new HashMap<>();
    private final Path modelFolder;
    private final MappedFiles files;
    private final String source;

    /**
     * Indexes a graph's constants.
     *
     * @param graph the graph
     * @param modelFolder the model's folder, for external data
     * @param files the maps external data is read through
     * @param source the model file, for messages
     * @throws ModelFormatException if two initializers share a name, or two nodes an output
     */
    ConstantValues(GraphProto graph, Path modelFolder, MappedFiles files, String source) {
        this.modelFolder = modelFolder;
        this.files = files;
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
            if (isIdentity(node)) {
                identityInputs.put(node.getOutput(0), node.getInput(0));
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
            identityInputs.remove(initializer.getName());
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

    /** Whether a node is a default-domain {@code Identity} with one input and one output. */
    static boolean isIdentity(NodeProto node) {
        return node.getOpType().equals("Identity")
                && OnnxConstants.isDefaultDomain(node.getDomain())
                && node.getInputCount() == 1
                && !node.getInput(0).isEmpty()
                && node.getOutputCount() == 1
                && !node.getOutput(0).isEmpty();
    }

    /**
     * The values from {@code name} through the {@code Identity} nodes that produce it, to the first
     * value no {@code Identity} produces: {@code [name]} when no Identity produces it. A cycle
     * (invalid ONNX) ends the chain where it closes.
     */
    List<String> chain(String name) {
        List<String> chain = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String value = name;
        while (value != null && seen.add(value)) {
            chain.add(value);
            value = identityInputs.get(value);
        }
        return chain;
    }

    /** The value that {@code name} is a copy of through {@code Identity} nodes (or itself). */
    String origin(String name) {
        List<String> chain = chain(name);
        return chain.get(chain.size() - 1);
    }

    /**
     * The proto of a constant value, if the value is constant: an initializer, a {@code Constant}
     * node's output, or the output of {@code Identity} nodes copying one of these.
     */
    Optional<TensorProto> proto(String name) {
        return Optional.ofNullable(protos.get(origin(name)));
    }

    /** Whether a value is produced by {@code Identity} nodes (the {@link #chain} is longer). */
    boolean isCopy(String name) {
        return identityInputs.containsKey(name);
    }

    /** The index of the {@code Constant} node that produces the value, if one does. */
    Optional<Integer> constantNode(String name) {
        return Optional.ofNullable(constantNodes.get(name));
    }

    /** The decoded tensor of a constant value (which must exist), shared by its copies. */
    Tensor tensor(String name) throws IOException {
        String resolved = origin(name);
        Tensor cached = decoded.get(resolved);
        if (cached == null) {
            String where = "ONNX file '" + source + "', tensor " + Quoted.of(resolved);
            cached = TensorCodec.decode(protos.get(resolved), modelFolder, files, where);
            decoded.put(resolved, cached);
        }
        return cached;
    }
}
