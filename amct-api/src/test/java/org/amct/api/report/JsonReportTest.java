package org.amct.api.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerReport;
import org.amct.api.TensorDecompose;
import org.amct.api.TinyNets;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.json from the API: the fields the CLI always wrote, the schema version, MAC totals. */
class JsonReportTest {
    @TempDir Path temp;

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void reportHoldsTheRunWithTotalsOverEveryConv() throws IOException {
        ModelGraph model = TinyNets.resnetLike(4, DType.FLOAT32);
        DecompositionResult result = TensorDecompose.autoDecomposition(model);
        JsonNode report =
                new ObjectMapper()
                        .readTree(JsonReport.toJson("tiny.onnx", model, result.summary(), 1.25));

        assertEquals(
                List.of("schema_version", "model", "backend", "layers", "skipped", "totals"),
                names(report));
        assertEquals(JsonReport.SCHEMA_VERSION, report.get("schema_version").asInt());
        assertEquals("tiny.onnx", report.get("model").asText());
        assertEquals(List.of("id", "device", "name", "forced"), names(report.get("backend")));
        assertEquals(result.backend().id(), report.get("backend").get("id").asText());
        assertEquals(result.layers().size(), report.get("layers").size());
        LayerReport first = result.layers().get(0);
        JsonNode layer = report.get("layers").get(0);
        assertEquals(first.name(), layer.get("name").asText());
        assertEquals(first.rank(), layer.get("rank").asInt());
        assertEquals(first.firstShape().get(0), layer.get("first_shape").get(0).asInt());
        assertEquals(first.kernelSize().height(), layer.get("kernel_size").get(0).asInt());
        assertEquals(first.relativeError(), layer.get("rel_error").asDouble());
        assertEquals(first.storedRelativeError(), layer.get("rel_error_stored").asDouble());
        assertEquals(first.clampedElements(), layer.get("clamped_elements").asLong());
        assertEquals("head", report.get("skipped").get(0).get("name").asText());

        // Totals count every Conv2d, the unchanged ones on both sides.
        long paramsBefore = 0;
        long macsBefore = 0;
        for (Conv2d conv : model.convs().values()) {
            paramsBefore += conv.parameterCount();
            macsBefore += conv.weight().numel();
        }
        long paramsAfter = 0;
        for (Conv2d conv : result.model().convs().values()) {
            paramsAfter += conv.parameterCount();
        }
        long macsAfter = macsBefore;
        for (LayerReport decomposed : result.layers()) {
            macsAfter -= decomposed.macsBefore() - decomposed.macsAfter();
        }
        JsonNode totals = report.get("totals");
        assertEquals(paramsBefore, totals.get("params_before").asLong());
        assertEquals(paramsAfter, totals.get("params_after").asLong());
        assertEquals(macsBefore, totals.get("macs_before").asLong());
        assertEquals(macsAfter, totals.get("macs_after").asLong());
        assertTrue(macsAfter < macsBefore, totals.toString());
        assertEquals(1.25, totals.get("seconds").asDouble());
        assertEquals(result.layers().size(), totals.get("layers_decomposed").asInt());
        assertEquals(1, totals.get("layers_skipped").asInt());
        // The head (a 1x1 conv, skipped) weighs the same before and after.
        Conv2d head = model.convs().get("head");
        assertEquals(
                macsBefore - macsAfter,
                result.layers().stream().mapToLong(l -> l.macsBefore() - l.macsAfter()).sum());
        assertTrue(head.weight().numel() > 0);
    }

    @Test
    void writeGivesTheSameBytesAsToJson() throws IOException {
        ModelGraph model = TinyNets.resnetLike(5, DType.FLOAT32);
        DecompositionResult result = TensorDecompose.autoDecomposition(model);
        Path file = temp.resolve("report.json");
        JsonReport.write("m.onnx", model, result.summary(), 0.5, file);
        assertArrayEquals(
                JsonReport.toJson("m.onnx", model, result.summary(), 0.5),
                Files.readAllBytes(file));
    }
}
