package org.amct.api.decompose;

import java.util.List;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Sequential;

/** How a decomposed layer is put back: a Sequential of first and last, named like the layer. */
public final class Replacement {
    private Replacement() {}

    /**
     * The graph with the named layer replaced by {@code Sequential(first, last)}.
     *
     * @param model the graph
     * @param name the layer's dotted name ({@code ""} for a model that is one conv)
     * @param first the first conv
     * @param last the last conv
     * @return the new graph
     */
    public static ModelGraph apply(ModelGraph model, String name, Conv2d first, Conv2d last) {
        return model.replace(name, Sequential.of(List.of(first, last)));
    }

    /**
     * The names of the two new layers, as PyTorch names an {@code nn.Sequential}'s children.
     *
     * @param name the decomposed layer's name
     * @return {@code [name.0, name.1]}, or {@code [0, 1]} for the root
     */
    public static List<String> newNames(String name) {
        return name.isEmpty() ? List.of("0", "1") : List.of(name + ".0", name + ".1");
    }
}
