package org.amct.api.decompose;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.exception.Quoted;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Layer;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;

/**
 * Applies a decomposition-info file to a freshly built model (docs/design/ALGORITHM.md section 6):
 * checks every listed layer against the model first, then replaces each with two new convs of the
 * listed shapes and fresh default-initialised weights.
 */
public final class Restructurer {
    private Restructurer() {}

    /**
     * The restructured model and its changes.
     *
     * @param model the new graph
     * @param changes each listed layer's name mapped to its two new layers' names
     */
    public record Result(ModelGraph model, Map<String, List<String>> changes) {}

    /**
     * Checks all plans, then restructures.
     *
     * @param model the freshly built model; not modified
     * @param plans the layers the file lists
     * @param source the file name, for messages
     * @param random draws the new weights
     * @return the new model and its changes
     * @throws ModelMismatchException naming the layer, the field, both values and the file, if any
     *     plan does not fit the model
     */
    public static Result apply(
            ModelGraph model, List<LayerPlan> plans, String source, RandomGenerator random) {
        Map<String, Conv2d> convs = new LinkedHashMap<>();
        for (LayerPlan plan : plans) {
            convs.put(plan.name(), check(model, plan, source));
        }
        ModelGraph result = model;
        Map<String, List<String>> changes = new LinkedHashMap<>();
        for (LayerPlan plan : plans) {
            Conv2d original = convs.get(plan.name());
            Conv2d first = freshConv(original, plan.firstShape(), false, random);
            Conv2d last = freshConv(original, plan.lastShape(), true, random);
            result = Replacement.apply(result, plan.name(), first, last);
            changes.put(plan.name(), Replacement.newNames(plan.name()));
        }
        return new Result(result, changes);
    }

    private static Conv2d check(ModelGraph model, LayerPlan plan, String source) {
        String layer = "Layer " + Quoted.of(plan.name());
        Layer found =
                model.find(plan.name())
                        .orElseThrow(
                                () ->
                                        new ModelMismatchException(
                                                layer
                                                        + " is listed in "
                                                        + Quoted.of(source)
                                                        + " but the model has no layer of that name."
                                                        + " Was this file written for another model?"));
        if (!(found instanceof Conv2d conv)) {
            throw new ModelMismatchException(
                    layer
                            + " is a "
                            + found.typeName()
                            + " in the model but a Conv2d in "
                            + Quoted.of(source)
                            + ". Was this file written for another model?");
        }
        compare(layer, "in_channels", conv.inChannels(), plan.inChannels(), source);
        compare(layer, "out_channels", conv.outChannels(), plan.outChannels(), source);
        compare(layer, "kernel_size", conv.kernelSize(), plan.kernelSize(), source);
        compare(layer, "stride", conv.stride(), plan.stride(), source);
        compare(layer, "dilation", conv.dilation(), plan.dilation(), source);
        compare(layer, "groups", conv.groups(), plan.groups(), source);
        checkPlanShapes(layer, conv, plan, source);
        return conv;
    }

    private static void compare(
            String layer, String field, Object model, Object file, String source) {
        if (!Objects.equals(model, file)) {
            throw new ModelMismatchException(
                    layer
                            + ": "
                            + field
                            + " is "
                            + model
                            + " in the model but "
                            + file
                            + " in "
                            + Quoted.of(source)
                            + ". Was this file written for another model?");
        }
    }

    /** The mode and the two weight shapes must be what decomposing this layer would give. */
    private static void checkPlanShapes(String layer, Conv2d conv, LayerPlan plan, String source) {
        DecomposeMode mode =
                DecomposeMode.of(
                        conv.outChannels(),
                        conv.inChannels(),
                        conv.kernelSize().height(),
                        conv.kernelSize().width());
        compare(layer, "mode", mode, plan.mode(), source);
        int r = plan.rank();
        // Before anything is allocated: a rank of 10^9 with matching shapes would pass the shape
        // comparisons below and then ask for a weight of 10^9 rows.
        long n =
                (long) Math.min(conv.inChannels(), conv.outChannels())
                        * Math.min(conv.kernelSize().height(), conv.kernelSize().width());
        if (r < 1 || r > n) {
            throw new ModelMismatchException(
                    layer
                            + ": decom_nodes.first.weight_shape[0] (the rank) is "
                            + r
                            + " in "
                            + Quoted.of(source)
                            + " but this layer's rank is at most n = min(in_channels,"
                            + " out_channels) * min(kernel_size) = "
                            + n
                            + ". Was this file written for another model?");
        }
        List<List<Integer>> expected = expectedShapes(conv, mode, r);
        compare(
                layer,
                "decom_nodes.first.weight_shape",
                expected.get(0),
                plan.firstShape(),
                source);
        compare(layer, "decom_nodes.last.weight_shape", expected.get(1), plan.lastShape(), source);
    }

    private static List<List<Integer>> expectedShapes(Conv2d conv, DecomposeMode mode, int r) {
        int cin = conv.inChannels();
        int cout = conv.outChannels();
        int kh = conv.kernelSize().height();
        int kw = conv.kernelSize().width();
        boolean firstAlongHeight = mode == DecomposeMode.FCSK || mode == DecomposeMode.SCFK;
        List<Integer> first = firstAlongHeight ? List.of(r, cin, kh, 1) : List.of(r, cin, 1, kw);
        List<Integer> last = firstAlongHeight ? List.of(cout, r, 1, kw) : List.of(cout, r, kh, 1);
        return List.of(first, last);
    }

    private static Conv2d freshConv(
            Conv2d original, List<Integer> shape, boolean last, RandomGenerator random) {
        int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
        Conv2d drawn =
                Conv2d.builder(dims[1], dims[0], new Size2d(dims[2], dims[3]))
                        .dtype(original.weight().dtype())
                        .random(random)
                        .withBias(last && original.hasBias())
                        .build();
        Conv2d shaped = Factors.newConv(original, drawn.weight(), last);
        if (!shaped.hasBias()) {
            return shaped;
        }
        Tensor bias = drawn.bias().orElseThrow();
        assert Arrays.equals(bias.shape(), new int[] {dims[0]});
        return shaped.toBuilder().bias(bias).build();
    }
}
