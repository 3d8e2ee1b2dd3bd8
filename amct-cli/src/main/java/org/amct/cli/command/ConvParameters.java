package org.amct.cli.command;

import java.util.LinkedHashMap;
import java.util.Map;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Layer;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;

/** The Conv2d parameters of a model, with the names PyTorch gives them. */
final class ConvParameters {
    private ConvParameters() {}

    /**
     * The model's state dict restricted to Conv2d parameters.
     *
     * @param model the model
     * @return tensors by dotted name ({@code layer1.0.conv1.0.weight}), in model order
     */
    static Map<String, Tensor> of(ModelGraph model) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Layer> layers = new LinkedHashMap<>();
        layers.put("", model.root());
        layers.putAll(model.layers());
        layers.forEach(
                (name, layer) -> {
                    if (layer instanceof Conv2d conv) {
                        conv.parameters()
                                .forEach(
                                        (local, tensor) ->
                                                params.put(
                                                        name.isEmpty() ? local : name + "." + local,
                                                        tensor));
                    }
                });
        return params;
    }

    /**
     * The number of Conv2d parameters.
     *
     * @param model the model
     * @return the element count of all Conv2d weights and biases
     */
    static long count(ModelGraph model) {
        return of(model).values().stream().mapToLong(Tensor::numel).sum();
    }
}
