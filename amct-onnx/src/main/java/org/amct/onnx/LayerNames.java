package org.amct.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Layer;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.OpaqueLayer;

/**
 * Names the Conv2d layers of an ONNX graph and arranges them in a tree by their dotted names. A
 * name is taken when it is a valid dotted path (no empty part), not used yet, and neither an
 * ancestor nor a descendant of a name already taken (a Conv2d is a leaf). Candidates in order: the
 * weight's value name without a trailing {@code .weight} (PyTorch's parameter name, as the exporter
 * keeps it for weights it did not change), the module path in the node's name when it is a
 * torch.onnx scope ({@code /layer2/layer2.0/downsample/downsample.0/Conv} gives {@code
 * layer2.0.downsample.0}, see {@link TorchScopes}), the node's name, then {@code Conv_<nodeIndex>}
 * with {@code _1}, {@code _2}, ... appended until free. Not thread-safe.
 */
final class LayerNames {
    /** The type name of the intermediate containers of the tree. */
    static final String CONTAINER_TYPE = "Module";

    /** The type name of the root. */
    static final String ROOT_TYPE = "OnnxGraph";

    private static final String WEIGHT_SUFFIX = ".weight";

    private final List<String> taken = new ArrayList<>();

    /**
     * Picks the name of a layer.
     *
     * @param weightName the weight's value name
     * @param nodeName the node's name, possibly empty
     * @param nodeIndex the node's index in the graph
     * @return a name not used before
     */
    String assign(String weightName, String nodeName, int nodeIndex) {
        List<String> candidates = new ArrayList<>();
        if (weightName.endsWith(WEIGHT_SUFFIX)) {
            candidates.add(weightName.substring(0, weightName.length() - WEIGHT_SUFFIX.length()));
        }
        TorchScopes.modulePath(nodeName).ifPresent(candidates::add);
        candidates.add(nodeName);
        for (String candidate : candidates) {
            if (isFree(candidate)) {
                taken.add(candidate);
                return candidate;
            }
        }
        String base = "Conv_" + nodeIndex;
        String name = base;
        for (int i = 1; !isFree(name); i++) {
            name = base + "_" + i;
        }
        taken.add(name);
        return name;
    }

    private boolean isFree(String name) {
        if (name.isEmpty() || List.of(name.split("\\.", -1)).contains("")) {
            return false;
        }
        for (String other : taken) {
            if (other.equals(name)
                    || other.startsWith(name + ".")
                    || name.startsWith(other + ".")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The model tree of named convs: {@link OpaqueLayer} containers of type {@value
     * #CONTAINER_TYPE} for the parts of the dotted names, in first-use order, under a root of type
     * {@value #ROOT_TYPE}.
     *
     * @param convs the layers by dotted name, in node order
     * @return the graph
     */
    static ModelGraph tree(Map<String, Conv2d> convs) {
        Branch root = new Branch();
        convs.forEach((name, conv) -> root.put(name.split("\\.", -1), 0, conv));
        return ModelGraph.of(OpaqueLayer.container(ROOT_TYPE, root.layers()));
    }

    /** A container being built. */
    private static final class Branch {
        private final Map<String, Object> children = new LinkedHashMap<>();

        void put(String[] path, int depth, Conv2d conv) {
            if (depth == path.length - 1) {
                children.put(path[depth], conv);
                return;
            }
            Branch next = (Branch) children.computeIfAbsent(path[depth], key -> new Branch());
            next.put(path, depth + 1, conv);
        }

        Map<String, Layer> layers() {
            Map<String, Layer> out = new LinkedHashMap<>();
            children.forEach(
                    (name, child) ->
                            out.put(
                                    name,
                                    child instanceof Branch branch
                                            ? OpaqueLayer.container(CONTAINER_TYPE, branch.layers())
                                            : (Conv2d) child));
            return out;
        }
    }
}
