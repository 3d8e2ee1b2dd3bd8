package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.Tensor;
import org.amct.api.report.JsonReport;
import org.amct.onnx.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecomposeCommandTest {
    @TempDir Path temp;

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void writesModelInfoWeightsAndReport() throws IOException {
        Path out = temp.resolve("out");
        CliRun run =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--threads",
                        "1");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("layer2.0.conv2"), run.out());
        assertTrue(run.out().contains("Decomposed 4 of 6 Conv2d layers"), run.out());
        for (String name :
                List.of(
                        "tiny_resnet_decomposed.onnx",
                        "decompose_info.json",
                        "decomposed_weights.safetensors",
                        "report.json")) {
            assertTrue(Files.isRegularFile(out.resolve(name)), name);
        }
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertTrue(names(report).containsAll(Set.of("backend", "layers", "skipped", "totals")));
        assertTrue(names(report.get("backend")).containsAll(Set.of("id", "device")));
        assertTrue(
                names(report.get("layers").get(0))
                        .containsAll(
                                Set.of(
                                        "name",
                                        "mode",
                                        "rank",
                                        "in_channels",
                                        "out_channels",
                                        "kernel_size",
                                        "stride",
                                        "first_shape",
                                        "last_shape",
                                        "params_before",
                                        "params_after",
                                        "rel_error",
                                        "rel_error_stored",
                                        "clamped_elements",
                                        "seconds")));
        assertEquals(4, report.get("layers").size());
        for (JsonNode layer : report.get("layers")) {
            // float32 weights: nothing clamped, and rounding to float32 moves the error by far
            // less than float32's unit roundoff times (1 + sqrt(rank)).
            assertEquals(0, layer.get("clamped_elements").asLong());
            double bound = Math.ulp(1.0f) * (1 + Math.sqrt(layer.get("rank").asInt()));
            assertEquals(
                    layer.get("rel_error").asDouble(),
                    layer.get("rel_error_stored").asDouble(),
                    bound,
                    layer.get("name").asText());
        }
        assertEquals("layer1.0.conv1", report.get("layers").get(0).get("name").asText());
        assertEquals(2, report.get("skipped").size());
        assertTrue(names(report.get("skipped").get(0)).containsAll(Set.of("name", "reason")));
        assertTrue(
                names(report.get("totals"))
                        .containsAll(
                                Set.of(
                                        "params_before",
                                        "params_after",
                                        "macs_before",
                                        "macs_after",
                                        "seconds",
                                        "layers_decomposed",
                                        "layers_skipped")));
        assertEquals(JsonReport.SCHEMA_VERSION, report.get("schema_version").asInt());
        assertTrue(
                report.get("totals").get("macs_after").asLong()
                        < report.get("totals").get("macs_before").asLong(),
                report.get("totals").toString());
        Map<String, Tensor> weights =
                Safetensors.read(out.resolve("decomposed_weights.safetensors")).tensors();
        OnnxModel written = OnnxModel.read(out.resolve("tiny_resnet_decomposed.onnx"));
        assertEquals(written.graph().stateDict().keySet(), weights.keySet());
        assertTrue(weights.containsKey("layer1.0.conv1.0.weight"));
        assertTrue(weights.containsKey("conv1.weight"));
        String info = Files.readString(out.resolve("decompose_info.json"));
        assertTrue(info.contains("\"layer2.0.conv1\""), info);
        try (var files = Files.list(out)) {
            assertEquals(4, files.count(), "no temporary files are left behind");
        }
    }

    @Test
    void refusesEarlierOutputsUnlessOverwrite() throws IOException {
        Path out = Files.createDirectories(temp.resolve("out"));
        Files.writeString(out.resolve("report.json"), "{}");
        CliRun refused = CliRun.of("decompose", CliRun.EXAMPLE.toString(), "-o", out.toString());
        assertEquals(3, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("--overwrite"), refused.err());
        assertTrue(refused.err().contains("report.json"), refused.err());
        assertFalse(refused.err().contains("\tat "), "no stack trace without --verbose");
        CliRun overwritten =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--overwrite");
        assertEquals(0, overwritten.exitCode(), overwritten.toString());
    }

    @Test
    void modelWithoutEligibleLayersSaysSoAndWritesOnlyTheReport() throws IOException {
        Path out = temp.resolve("out");
        CliRun run = CliRun.of("decompose", CliRun.PADDLE.toString(), "-o", out.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("Nothing to decompose: none of the "), run.out());
        assertTrue(
                run.out().matches("(?s).*is eligible \\(\\d+ x .*"),
                "reasons counted: " + run.out());
        assertTrue(run.out().contains("No model written (add --write-unchanged"), run.out());
        try (var files = Files.list(out)) {
            assertEquals(
                    Set.of("report.json"),
                    Set.copyOf(files.map(p -> p.getFileName().toString()).toList()));
        }

        Path copy = temp.resolve("copy");
        CliRun asked =
                CliRun.of(
                        "decompose",
                        CliRun.PADDLE.toString(),
                        "-o",
                        copy.toString(),
                        "--write-unchanged");
        assertEquals(0, asked.exitCode(), asked.toString());
        assertEquals(
                List.of(Files.readAllBytes(CliRun.PADDLE).length),
                List.of(
                        Files.readAllBytes(
                                        copy.resolve(
                                                "ch_ppocr_mobile_v2.0_cls_infer_decomposed.onnx"))
                                .length));
    }

    @Test
    void outputFolderThatIsAFileOrCannotBeCreatedIsInvalidInput() throws IOException {
        Path file = Files.writeString(temp.resolve("file.txt"), "x");
        CliRun isFile = CliRun.of("decompose", CliRun.EXAMPLE.toString(), "-o", file.toString());
        assertEquals(3, isFile.exitCode(), isFile.toString());
        assertTrue(isFile.err().contains("is a file"), isFile.err());
        CliRun below =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        file.resolve("sub").toString());
        assertEquals(3, below.exitCode(), below.toString());
    }

    @Test
    void invalidModelsAreExitCodeThree() throws IOException {
        Path garbage = Files.write(temp.resolve("garbage.onnx"), new byte[] {(byte) 0xff, 0x01});
        CliRun bad =
                CliRun.of("decompose", garbage.toString(), "-o", temp.resolve("o1").toString());
        assertEquals(3, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("garbage.onnx"), bad.err());
        CliRun missing =
                CliRun.of(
                        "decompose",
                        temp.resolve("nope.onnx").toString(),
                        "-o",
                        temp.resolve("o2").toString());
        assertEquals(3, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }

    @Test
    void verbosePrintsTheStackTrace() throws IOException {
        Path garbage = Files.write(temp.resolve("garbage.onnx"), new byte[] {(byte) 0xff, 0x01});
        CliRun bad =
                CliRun.of(
                        "decompose",
                        garbage.toString(),
                        "-o",
                        temp.resolve("o").toString(),
                        "--verbose");
        assertEquals(3, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("\tat "), bad.err());
    }

    @Test
    void unknownBackendIsExitCodeFour() {
        CliRun run =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        temp.resolve("o").toString(),
                        "--backend",
                        "nosuch");
        assertEquals(4, run.exitCode(), run.toString());
        assertTrue(run.err().contains("nosuch"), run.err());
    }

    @Test
    void badCommandLinesAreExitCodeTwo() {
        assertEquals(2, CliRun.of("decompose", CliRun.EXAMPLE.toString()).exitCode());
        assertEquals(
                2,
                CliRun.of("decompose", CliRun.EXAMPLE.toString(), "-o", "x", "--threads", "-1")
                        .exitCode());
        assertEquals(2, CliRun.of("frobnicate").exitCode());
        assertEquals(2, CliRun.of().exitCode());
    }

    @Test
    void writeFailureIsExitCodeFive() throws IOException {
        Path out = Files.createDirectories(temp.resolve("out"));
        Files.createDirectories(out.resolve("tiny_resnet_decomposed.onnx").resolve("blocker"));
        CliRun run =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--overwrite");
        assertEquals(5, run.exitCode(), run.toString());
    }
}
