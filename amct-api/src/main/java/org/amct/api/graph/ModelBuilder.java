package org.amct.api.graph;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a network in code: named children added in order under a container of a given type. Nest
 * builders with {@link #buildLayer()}. Not thread-safe.
 *
 * <pre>{@code
 * ModelGraph model = ModelGraph.builder("TinyNet")
 *         .add("conv1", Conv2d.builder(3, 64, Size2d.square(3)).build())
 *         .add("relu", OpaqueLayer.leaf("ReLU"))
 *         .build();
 * }</pre>
 */
public final class ModelBuilder {
    private final String typeName;
    private final Map<String, Layer> children = new LinkedHashMap<>();

    ModelBuilder(String typeName) {
        this.typeName = Objects.requireNonNull(typeName, "typeName");
    }

    /**
     * Adds a child.
     *
     * @param name a local name without dots, not used before in this container
     * @param layer the child
     * @return this builder
     * @throws IllegalArgumentException if the name is invalid or taken
     */
    public ModelBuilder add(String name, Layer layer) {
        Names.checkLocal(name, "child");
        if (children.putIfAbsent(name, Objects.requireNonNull(layer, "layer")) != null) {
            throw new IllegalArgumentException("A child named '" + name + "' exists already");
        }
        return this;
    }

    /**
     * The container as a layer, to nest in another builder. A builder of type {@code "Sequential"}
     * gives a {@link Sequential}.
     *
     * @return the layer
     */
    public Layer buildLayer() {
        return typeName.equals("Sequential")
                ? new Sequential(children)
                : OpaqueLayer.container(typeName, children);
    }

    /**
     * The model.
     *
     * @return a graph whose root is {@link #buildLayer()}
     */
    public ModelGraph build() {
        return ModelGraph.of(buildLayer());
    }
}
