package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options of issue 12 on {@code decompose} and {@code inspect}, and what they write. */
class RankOptionsCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir Path temp;

    private CliRun decompose(Path out, String... options) {
        String[] args = new String[options.length + 6];
        args[0] = "decompose";
        args[1] = CliRun.EXAMPLE.toString();
        args[2] = "-o";
        args[3] = out.toString();
        args[4] = "--threads";
        args[5] = "1";
        System.arraycopy(options, 0, args, 6, options.length);
        return CliRun.of(args);
    }

    private static Map<String, JsonNode> layers(JsonNode report) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        report.get("layers").forEach(layer -> out.put(layer.get("name").asText(), layer));
        return out;
    }

    private static Map<String, String> skipped(JsonNode report) {
        Map<String, String> out = new LinkedHashMap<>();
        report.get("skipped")
                .forEach(s -> out.put(s.get("name").asText(), s.get("reason").asText()));
        return out;
    }

    @Test
    void aParameterTargetWithAnExclusionIsReportedPerLayerAndInTheTotals() throws IOException {
        Path out = temp.resolve("out");
        CliRun run =
                decompose(out, "--target-params", "0.5", "--exclude", "layer1.*", "--report-html");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("Target target-params:0.5: Conv2d parameters"), run.out());
        JsonNode report = MAPPER.readTree(out.resolve("report.json").toFile());
        assertEquals("excluded", skipped(report).get("layer1.0.conv1"));
        assertEquals("excluded", skipped(report).get("layer1.0.conv2"));
        JsonNode totals = report.get("totals");
        JsonNode target = totals.get("target");
        assertEquals("params", target.get("measure").asText());
        assertEquals(0.5, target.get("fraction").asDouble());
        assertEquals(totals.get("params_before").asLong(), target.get("before").asLong());
        assertEquals(totals.get("params_after").asLong(), target.get("after").asLong());
        assertTrue(target.get("after").asLong() <= target.get("limit").asLong(), target.toString());
        assertTrue(totals.get("macs_after").asLong() < totals.get("macs_before").asLong());
        for (JsonNode layer : report.get("layers")) {
            assertEquals("target-params:0.5", layer.get("policy").asText());
            assertTrue(
                    layer.get("macs_at_input_after").asLong()
                            <= layer.get("macs_at_input_before").asLong(),
                    layer.toString());
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Target target-params:0.5"), "html shows the target");
        assertTrue(html.contains("policy target-params:0.5"), "html shows the policy");
    }

    @Test
    void perLayerRanksInlineAndFromAFileWithAPolicyForTheRest() throws IOException {
        Path out = temp.resolve("inline");
        CliRun run =
                decompose(
                        out,
                        "--rank-policy",
                        "energy:0.5",
                        "--ranks",
                        "layer1.*=16,layer1.0.conv2=32",
                        "--rank-multiple",
                        "8");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, JsonNode> layers = layers(MAPPER.readTree(out.resolve("report.json").toFile()));
        assertEquals(16, layers.get("layer1.0.conv1").get("rank").asInt());
        assertEquals("rank:16", layers.get("layer1.0.conv1").get("policy").asText());
        assertEquals(32, layers.get("layer1.0.conv2").get("rank").asInt(), "exact over glob");
        assertEquals("energy:0.5", layers.get("layer2.0.conv2").get("policy").asText());
        assertEquals(0, layers.get("layer2.0.conv2").get("rank").asInt() % 8);

        Path file =
                Files.writeString(
                        temp.resolve("ranks.json"),
                        "{\"layer2.0.conv1\": 24, \"layer2.*\": \"ratio:0.2\"}");
        Path fromFile = temp.resolve("file");
        CliRun second = decompose(fromFile, "--ranks", file.toString());
        assertEquals(0, second.exitCode(), second.toString());
        Map<String, JsonNode> again =
                layers(MAPPER.readTree(fromFile.resolve("report.json").toFile()));
        assertEquals(24, again.get("layer2.0.conv1").get("rank").asInt());
        assertEquals("ratio:0.2", again.get("layer2.0.conv2").get("policy").asText());
        assertEquals("amct", again.get("layer1.0.conv1").get("policy").asText());
    }

    @Test
    void theInfoFileOfANonDefaultRunAppliedByApplyGivesTheSameModel() throws IOException {
        Path out = temp.resolve("budget");
        CliRun run = decompose(out, "--target-macs", "0.5", "--ranks", "layer2.0.conv2=40");
        assertEquals(0, run.exitCode(), run.toString());
        Path applied = temp.resolve("applied");
        CliRun apply =
                CliRun.of(
                        "apply",
                        CliRun.EXAMPLE.toString(),
                        "--info",
                        out.resolve("decompose_info.json").toString(),
                        "--weights",
                        out.resolve("decomposed_weights.safetensors").toString(),
                        "-o",
                        applied.toString());
        assertEquals(0, apply.exitCode(), apply.toString());
        assertArrayEquals(
                Files.readAllBytes(out.resolve("tiny_resnet_decomposed.onnx")),
                Files.readAllBytes(applied.resolve("tiny_resnet_decomposed.onnx")));
    }

    @Test
    void inspectRanksPrintsWhatTheOptionsWouldDoAndWritesNothing() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("nothing"));
        CliRun run =
                CliRun.of(
                        "inspect",
                        "--ranks",
                        CliRun.EXAMPLE.toString(),
                        "--target-params",
                        "0.6",
                        "--exclude",
                        "layer2.0.conv1",
                        "--threads",
                        "1");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("target-params:0.6"), run.out());
        assertTrue(run.out().contains("excluded"), run.out());
        assertTrue(run.out().contains("Conv2d parameters 304,832 -> "), run.out());
        assertTrue(run.out().contains("MACs per inference 135,987,200 -> "), run.out());
        CliRun inline =
                CliRun.of(
                        "inspect",
                        CliRun.EXAMPLE.toString(),
                        "--ranks",
                        "layer1.0.conv1=16",
                        "--threads",
                        "1");
        assertEquals(0, inline.exitCode(), inline.toString());
        assertTrue(inline.out().contains("rank:16"), inline.out());
        try (var files = Files.list(folder)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void badValuesAreUsageErrorsAndBadFilesInvalidInput() throws IOException {
        Path out = temp.resolve("bad");
        for (String[] options :
                new String[][] {
                    {"--rank-policy", "svd"},
                    {"--target-params", "1.5"},
                    {"--target-params", "0.5", "--target-macs", "0.5"},
                    {"--target-params", "0.5", "--rank-policy", "energy:0.9"},
                    {"--rank-multiple", "0"},
                    {"--ranks", "layer1.0.conv1=zero"},
                }) {
            CliRun run = decompose(out, options);
            assertEquals(2, run.exitCode(), String.join(" ", options) + "\n" + run);
        }
        Path broken = Files.writeString(temp.resolve("broken.json"), "{\"layer1.0.conv1\": ");
        CliRun run = decompose(out, "--ranks", broken.toString());
        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.err().contains("broken.json"), run.err());
        CliRun typo = decompose(out, "--ranks", "layer9.conv1=16");
        assertEquals(3, typo.exitCode(), typo.toString());
        assertTrue(typo.err().contains("'layer9.conv1' is not a Conv2d layer"), typo.err());
        CliRun impossible = decompose(out, "--target-params", "0.01");
        assertEquals(3, impossible.exitCode(), impossible.toString());
        assertTrue(impossible.err().contains("cannot be met"), impossible.err());
    }
}
