package org.amct.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerReport;
import org.amct.api.SkippedLayer;
import org.amct.api.graph.Size2d;

/**
 * The {@code report.json} of {@code amct decompose}: the backend, one entry per decomposed layer,
 * the skipped layers with their reasons, and totals over all Conv2d layers of the model.
 */
final class ReportJson {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {}

    /**
     * Totals of a run.
     *
     * @param convParamsBefore Conv2d parameters of the model before
     * @param convParamsAfter Conv2d parameters of the model after
     * @param seconds wall time of the decomposition
     */
    record Totals(long convParamsBefore, long convParamsAfter, double seconds) {}

    /**
     * The report as JSON bytes.
     *
     * @param model the model file's name
     * @param result what the decomposition returned
     * @param totals the run's totals
     * @return UTF-8 JSON
     */
    static byte[] toJson(String model, DecompositionResult result, Totals totals) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("model", model);
        ObjectNode backend = root.putObject("backend");
        backend.put("id", result.backend().id());
        backend.put("device", result.backend().device());
        backend.put("name", result.backend().displayName());
        backend.put("forced", result.backend().forced());
        ArrayNode layers = root.putArray("layers");
        result.layers().forEach(layer -> layer(layers.addObject(), layer));
        ArrayNode skipped = root.putArray("skipped");
        for (SkippedLayer layer : result.skipped()) {
            skipped.addObject().put("name", layer.name()).put("reason", layer.reason());
        }
        ObjectNode sums = root.putObject("totals");
        sums.put("params_before", totals.convParamsBefore());
        sums.put("params_after", totals.convParamsAfter());
        sums.put("seconds", totals.seconds());
        sums.put("layers_decomposed", result.layers().size());
        sums.put("layers_skipped", result.skipped().size());
        result.totals().macsBefore().ifPresent(v -> sums.put("macs_before", v));
        result.totals().macsAfter().ifPresent(v -> sums.put("macs_after", v));
        result.target()
                .ifPresent(
                        target -> {
                            ObjectNode t = sums.putObject("target");
                            t.put(
                                    "measure",
                                    target.target()
                                            .measure()
                                            .name()
                                            .toLowerCase(java.util.Locale.ROOT));
                            t.put("fraction", target.target().fraction());
                            t.put("before", target.before());
                            t.put("limit", target.limit());
                            t.put("after", target.after());
                            t.put("achieved", target.achieved());
                        });
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A report tree always serializes", e);
        }
    }

    private static void layer(ObjectNode node, LayerReport layer) {
        node.put("name", layer.name());
        node.put("mode", layer.mode());
        node.put("rank", layer.rank());
        node.put("in_channels", layer.inChannels());
        node.put("out_channels", layer.outChannels());
        pair(node.putArray("kernel_size"), layer.kernelSize());
        pair(node.putArray("stride"), layer.stride());
        ints(node.putArray("first_shape"), layer.firstShape());
        ints(node.putArray("last_shape"), layer.lastShape());
        node.put("params_before", layer.paramsBefore());
        node.put("params_after", layer.paramsAfter());
        node.put("macs_before", layer.macsBefore());
        node.put("macs_after", layer.macsAfter());
        node.put("policy", layer.policy());
        layer.macsBeforeAtInput().ifPresent(v -> node.put("macs_at_input_before", v));
        layer.macsAfterAtInput().ifPresent(v -> node.put("macs_at_input_after", v));
        node.put("rel_error", layer.relativeError());
        node.put("seconds", layer.seconds());
    }

    private static void pair(ArrayNode array, Size2d size) {
        array.add(size.height()).add(size.width());
    }

    private static void ints(ArrayNode array, List<Integer> values) {
        values.forEach(array::add);
    }
}
