package org.amct.onnx;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;
import org.amct.onnx.proto.OnnxProtos.ValueInfoProto;

/** The names a graph uses, for choosing new ones and for finding unused constants. */
final class GraphNames {
    private GraphNames() {}

    /** Every value name of the graph: inputs, outputs, initializers, node outputs. */
    static Set<String> values(GraphProto graph) {
        Set<String> names = new HashSet<>();
        graph.getInputList().forEach(v -> names.add(v.getName()));
        graph.getOutputList().forEach(v -> names.add(v.getName()));
        graph.getInitializerList().forEach(t -> names.add(t.getName()));
        for (NodeProto node : graph.getNodeList()) {
            names.addAll(node.getOutputList());
            names.addAll(node.getInputList());
        }
        return names;
    }

    /** Every node name of the graph. */
    static Set<String> nodes(GraphProto graph) {
        Set<String> names = new HashSet<>();
        graph.getNodeList().forEach(n -> names.add(n.getName()));
        return names;
    }

    /**
     * The value names that nodes read (in subgraphs too, which may read outer values) or that the
     * graph outputs.
     */
    static Set<String> used(List<NodeProto> nodes, List<ValueInfoProto> outputs) {
        Set<String> used = new HashSet<>();
        outputs.forEach(v -> used.add(v.getName()));
        addInputs(nodes, used);
        return used;
    }

    private static void addInputs(List<NodeProto> nodes, Set<String> used) {
        for (NodeProto node : nodes) {
            used.addAll(node.getInputList());
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG()) {
                    addSubgraph(attribute.getG(), used);
                }
                attribute.getGraphsList().forEach(g -> addSubgraph(g, used));
            }
        }
    }

    private static void addSubgraph(GraphProto graph, Set<String> used) {
        addInputs(graph.getNodeList(), used);
        graph.getOutputList().forEach(v -> used.add(v.getName()));
    }

    /** Whether a tensor keeps its data in an external file. */
    static boolean isExternal(TensorProto tensor) {
        return tensor.getDataLocation() == OnnxConstants.EXTERNAL;
    }
}
