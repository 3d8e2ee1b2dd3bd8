package org.amct.api.graph;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ordered container whose children run one after the other, as PyTorch's {@code nn.Sequential}.
 * Children are usually named {@code "0"}, {@code "1"}, ...
 *
 * @param children the children in order, by local name
 */
public record Sequential(Map<String, Layer> children) implements Layer {
    /**
     * Copies the children, keeping their order.
     *
     * @param children the children in order, by local name
     */
    public Sequential {
        children = Names.orderedCopy(children, "child");
    }

    /**
     * A container of the given layers named {@code "0"}, {@code "1"}, ...
     *
     * @param layers the layers in order
     * @return the container
     */
    public static Sequential of(List<? extends Layer> layers) {
        Map<String, Layer> named = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            named.put(Integer.toString(i), layers.get(i));
        }
        return new Sequential(named);
    }

    @Override
    public String typeName() {
        return "Sequential";
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Sequential with(Map<String, Layer> newChildren, Map<String, Tensor> newParameters) {
        Layers.checkSameKeys(children.keySet(), newChildren.keySet(), "children");
        Layers.checkSameKeys(
                Map.<String, Tensor>of().keySet(), newParameters.keySet(), "parameters");
        return new Sequential(newChildren);
    }
}
