package org.amct.api.graph;

import java.util.Map;

/**
 * A node of the model tree: a {@link Conv2d}, a {@link Sequential} container, or an {@link
 * OpaqueLayer} for everything the tool does not change. Immutable.
 */
public sealed interface Layer permits Conv2d, Sequential, OpaqueLayer {

    /**
     * The layer's type as users know it, for example {@code "Conv2d"} or {@code "BatchNorm2d"}.
     *
     * @return the type name
     */
    String typeName();

    /**
     * The direct children, in order, by their local name (without dots).
     *
     * @return an unmodifiable ordered map, empty for a leaf
     */
    Map<String, Layer> children();

    /**
     * The layer's own parameters by local name (for example {@code weight}, {@code bias}).
     *
     * @return an unmodifiable ordered map, empty when there are none
     */
    Map<String, Tensor> parameters();

    /**
     * A copy of this layer with some children replaced (names must already exist) and its own
     * parameters replaced (names must already exist, shapes must match).
     *
     * @param children the complete new child map, same names in the same order
     * @param parameters the complete new parameter map, same names
     * @return the new layer
     * @throws IllegalArgumentException if names or shapes do not match
     */
    Layer with(Map<String, Layer> children, Map<String, Tensor> parameters);
}
