package org.amct.api.graph;

import java.util.Map;
import java.util.Objects;

/**
 * Any layer the tool does not change (batch norm, activation, pooling, a residual block): it keeps
 * its type name, its parameters (which appear in the state dict) and its children.
 *
 * @param typeName the layer's type, for example {@code "BatchNorm2d"}
 * @param parameters its own tensors by local name, in order
 * @param children its child layers by local name, in order
 */
public record OpaqueLayer(
        String typeName, Map<String, Tensor> parameters, Map<String, Layer> children)
        implements Layer {
    /**
     * Copies the maps, keeping their order.
     *
     * @param typeName the layer's type, for example {@code "BatchNorm2d"}
     * @param parameters its own tensors by local name, in order
     * @param children its child layers by local name, in order
     */
    public OpaqueLayer {
        Objects.requireNonNull(typeName, "typeName");
        parameters = Names.orderedCopy(parameters, "parameter");
        children = Names.orderedCopy(children, "child");
    }

    /**
     * A leaf with no parameters, such as {@code ReLU}.
     *
     * @param typeName the layer's type
     * @return the layer
     */
    public static OpaqueLayer leaf(String typeName) {
        return new OpaqueLayer(typeName, Map.of(), Map.of());
    }

    /**
     * A container of children with no parameters of its own, such as a residual block.
     *
     * @param typeName the layer's type
     * @param children its children in order
     * @return the layer
     */
    public static OpaqueLayer container(String typeName, Map<String, Layer> children) {
        return new OpaqueLayer(typeName, Map.of(), children);
    }

    @Override
    public OpaqueLayer with(Map<String, Layer> newChildren, Map<String, Tensor> newParameters) {
        Layers.checkSameKeys(children.keySet(), newChildren.keySet(), "children");
        Layers.checkSameKeys(parameters.keySet(), newParameters.keySet(), "parameters");
        newParameters.forEach(
                (name, tensor) -> Layers.checkSameShape(name, parameters.get(name), tensor));
        return new OpaqueLayer(typeName, newParameters, newChildren);
    }
}
