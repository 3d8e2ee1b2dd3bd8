package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decompose} with calibration data and a budget (refined end to end by default, {@code
 * --no-refine}) or a target cosine, and the report fields they add.
 */
class RefineCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path shared;
    @TempDir Path folder;

    static Path images;

    @BeforeAll
    static void data() throws IOException {
        images = VerifyCommandTest.npy(shared.resolve("images.npy"), new long[] {6, 3, 32, 32}, 3);
    }

    private CliRun decompose(Path out, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "decompose",
                                CliRun.EXAMPLE.toString(),
                                "-o",
                                out.toString(),
                                "--backend",
                                "ejml",
                                "--threads",
                                "1",
                                "--rank-multiple",
                                "8"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void aCalibratedBudgetIsRefinedAndTheReportSaysWhichAllocationWasKept() throws IOException {
        Path out = folder.resolve("refined");
        CliRun run =
                decompose(
                        out,
                        "--calibration",
                        images.toString(),
                        "--target-params",
                        "0.5",
                        "--refine-samples",
                        "2");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("Refinement (end to end, cosine on 6 samples"), run.out());
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        JsonNode refinement = report.get("refinement");
        assertEquals("cosine", refinement.get("score").asText());
        String kept = refinement.get("kept").asText();
        assertTrue(kept.equals("refined") || kept.equals("start"), kept);
        double start = refinement.get("start_score").asDouble();
        double refined = refinement.get("refined_score").asDouble();
        assertEquals(kept.equals("refined"), refined > start, refinement.toString());
        assertEquals(2, refinement.get("curve_samples").asInt());
        assertEquals(6, refinement.get("samples").asInt());
        assertEquals(4, refinement.get("curves").size());
        JsonNode ranks = refinement.get(kept + "_ranks");
        for (JsonNode layer : report.get("layers")) {
            assertEquals(
                    ranks.get(layer.get("name").asText()).asInt(),
                    layer.get("rank").asInt(),
                    report.toString());
        }
        JsonNode totals = report.get("totals");
        assertTrue(
                totals.get("params_after").asLong()
                        <= (long) Math.floor(0.5 * totals.get("params_before").asLong()),
                totals.toString());
    }

    @Test
    void theDampingIsUsedAndReported() throws IOException {
        Map<String, Double> byDefault = relativeErrors("default");
        Map<String, Double> explicit = relativeErrors("ten", "--damping", "10");
        Map<String, Double> light = relativeErrors("light", "--damping", "0.001");
        assertEquals(byDefault, explicit);
        assertEquals(byDefault.keySet(), light.keySet());
        assertNotEquals(byDefault, light);
        JsonNode report = JSON.readTree(folder.resolve("light").resolve("report.json").toFile());
        assertEquals(0.001, report.get("damping").asDouble());
        assertEquals("data-aware", report.get("factors").asText());
    }

    /** Each layer's relative weight error after a calibrated decomposition at AMCT's ranks. */
    private Map<String, Double> relativeErrors(String name, String... more) throws IOException {
        Path out = folder.resolve(name);
        List<String> args = new ArrayList<>(List.of("--calibration", images.toString()));
        args.addAll(List.of(more));
        CliRun run = decompose(out, args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Double> errors = new java.util.TreeMap<>();
        for (JsonNode layer : JSON.readTree(out.resolve("report.json").toFile()).get("layers")) {
            errors.put(layer.get("name").asText(), layer.get("rel_error").asDouble());
        }
        assertFalse(errors.isEmpty(), run.toString());
        return errors;
    }

    @Test
    void noRefineKeepsTheAllocationOnTheSpectra() throws IOException {
        Path out = folder.resolve("plain");
        CliRun run =
                decompose(
                        out,
                        "--calibration",
                        images.toString(),
                        "--target-params",
                        "0.5",
                        "--no-refine");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertNull(report.get("refinement"), report.toString());
        assertFalse(run.out().contains("Refinement"), run.out());
    }

    @Test
    void theTargetCosineIsMetOnTheCalibrationData() throws IOException {
        Path out = folder.resolve("cosine");
        CliRun run =
                decompose(
                        out,
                        "--calibration",
                        images.toString(),
                        "--target-cosine",
                        "0.99",
                        "--verify",
                        images.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("Target cosine 0.99: budget"), run.out());
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        JsonNode search = report.get("target_cosine");
        assertEquals(0.99, search.get("target").asDouble());
        assertEquals("params", search.get("measure").asText());
        assertTrue(search.get("cosine").asDouble() >= 0.99, search.toString());
        double fraction = search.get("fraction").asDouble();
        for (JsonNode t : search.get("tried")) {
            assertEquals(t.get("fraction").asDouble() >= fraction, t.get("meets").asBoolean());
        }
        // The same calibration data as --verify: the fidelity agrees with the search's figure.
        assertEquals(
                search.get("cosine").asDouble(),
                report.get("fidelity").get("outputs").get(0).get("mean_cosine").asDouble(),
                1e-9);
        JsonNode totals = report.get("totals");
        assertTrue(
                totals.get("params_after").asLong()
                        <= (long) Math.floor(fraction * totals.get("params_before").asLong()));
    }

    @Test
    void aCosineNoDecompositionReachesExitsThreeAndWritesNothing() {
        Path out = folder.resolve("none");
        CliRun run = decompose(out, "--calibration", images.toString(), "--target-cosine", "1");
        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(
                run.err()
                        .contains(
                                "No decomposition reaches a mean output cosine of 1.0 on the 6"
                                        + " calibration samples"),
                run.toString());
        assertFalse(Files.exists(out.resolve("report.json")));
    }

    @Test
    void misusedOptionsAreUsageErrors() {
        CliRun alone = decompose(folder.resolve("a"), "--target-cosine", "0.9");
        assertEquals(2, alone.exitCode(), alone.toString());
        assertTrue(alone.err().contains("--target-cosine needs --calibration PATH"), alone.err());
        CliRun both =
                decompose(
                        folder.resolve("b"),
                        "--calibration",
                        images.toString(),
                        "--target-cosine",
                        "0.9",
                        "--target-params",
                        "0.5");
        assertEquals(2, both.exitCode(), both.toString());
        assertTrue(both.err().contains("cannot be combined with --target-params"), both.err());
        CliRun range = decompose(folder.resolve("c"), "--target-cosine", "1.5");
        assertEquals(2, range.exitCode(), range.toString());
        assertTrue(range.err().contains("--target-cosine must be in (-1, 1], got 1.5"));
        CliRun noRefine = decompose(folder.resolve("d"), "--no-refine");
        assertEquals(2, noRefine.exitCode(), noRefine.toString());
        assertTrue(noRefine.err().contains("--no-refine needs --calibration PATH"));
        CliRun samples =
                decompose(
                        folder.resolve("e"),
                        "--calibration",
                        images.toString(),
                        "--refine-samples",
                        "0");
        assertEquals(2, samples.exitCode(), samples.toString());
        CliRun damping = decompose(folder.resolve("f"), "--damping", "10");
        assertEquals(2, damping.exitCode(), damping.toString());
        assertTrue(damping.err().contains("--damping needs --calibration PATH"), damping.err());
        CliRun zero =
                decompose(
                        folder.resolve("g"), "--calibration", images.toString(), "--damping", "0");
        assertEquals(2, zero.exitCode(), zero.toString());
        assertTrue(zero.err().contains("--damping must be finite and > 0, got 0.0"), zero.err());
    }
}
