package org.amct.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Marks, in {@code report.json}, the layers whose weights torch.onnx folded from a BatchNorm
 * ({@link org.amct.onnx.OnnxModel#foldedLayers()}): each entry of {@code layers} and {@code
 * skipped} gets {@code "weights_folded": true} or {@code false}. The report itself is the API's
 * ({@link org.amct.api.report.JsonReport}), which knows nothing of ONNX exporters; this adds the
 * field, keeping its indented layout and field order.
 */
final class FoldedMarks {
    /** The field that marks a layer whose weights the exporter folded from a BatchNorm. */
    static final String FIELD = "weights_folded";

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FoldedMarks() {}

    /**
     * The report with the marks.
     *
     * @param report the report's JSON, as {@link org.amct.api.report.JsonReport#toJson} writes it
     * @param folded the layers whose weights are folds
     * @return the JSON with a {@value #FIELD} field on every layer and skipped entry
     */
    static byte[] add(byte[] report, Set<String> folded) {
        try {
            JsonNode root = MAPPER.readTree(report);
            for (String list : new String[] {"layers", "skipped"}) {
                for (JsonNode entry : root.path(list)) {
                    ((ObjectNode) entry).put(FIELD, folded.contains(entry.path("name").asText()));
                }
            }
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException("The report's own JSON always parses", e);
        }
    }
}
