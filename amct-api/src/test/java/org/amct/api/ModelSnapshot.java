package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.LinkedHashMap;
import java.util.Map;
import org.amct.api.graph.Layer;
import org.amct.api.graph.ModelGraph;

/**
 * A copy of a model's parameter values and layer instances, taken before a call, to prove the call
 * changed neither. Comparing a model's {@code stateDict()} with itself cannot fail (the tensors are
 * the same objects); comparing against copied values can: a write through a tensor's buffer, or a
 * layer replaced in place, shows up here.
 */
record ModelSnapshot(Map<String, double[]> values, Map<String, Layer> layers) {

    static ModelSnapshot of(ModelGraph model) {
        Map<String, double[]> values = new LinkedHashMap<>();
        model.stateDict().forEach((name, tensor) -> values.put(name, tensor.toDoubles()));
        return new ModelSnapshot(values, new LinkedHashMap<>(model.layers()));
    }

    void assertUnchanged(ModelGraph model) {
        Map<String, Layer> now = model.layers();
        assertEquals(layers.keySet(), now.keySet(), "the layer names changed");
        layers.forEach((name, layer) -> assertSame(layer, now.get(name), "layer " + name));
        assertEquals(values.keySet(), model.stateDict().keySet(), "the parameter names changed");
        model.stateDict()
                .forEach(
                        (name, tensor) ->
                                assertArrayEquals(
                                        values.get(name), tensor.toDoubles(), "values of " + name));
    }
}
