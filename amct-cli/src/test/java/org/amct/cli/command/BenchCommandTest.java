package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

    @Test
    void timesAShapeOnTheRequestedBackendAsATable() {
        CliRun run =
                CliRun.of(
                        "bench", "--backend", "ejml", "--runs", "1", "--warmups", "0", "64x64x3x3");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("64x64x3x3"), run.out());
        assertTrue(run.out().contains("192x192"), run.out());
        assertTrue(run.out().contains("ejml"), run.out());
    }

    @Test
    void printsJsonWithTimesAndMemory() throws Exception {
        CliRun run =
                CliRun.of(
                        "bench",
                        "--backend",
                        "ejml",
                        "--runs",
                        "2",
                        "--warmups",
                        "0",
                        "--json",
                        "64x96x3x3");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode row = new ObjectMapper().readTree(run.out()).get("measurements").get(0);
        assertEquals("64x96x3x3", row.get("shape").asText());
        assertEquals(2, row.get("seconds").size());
        assertEquals(32, row.get("rank").asInt());
        assertTrue(row.get("heap_peak_bytes").asLong() > 0);
    }

    @Test
    void printsRatiosAgainstTheReferenceScriptRunInTheSameCall(@TempDir Path temp)
            throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("python3", "--version").start().waitFor() == 0, "needs python3");
        Path script = temp.resolve("fake_reference_cost.py");
        Files.writeString(
                script,
                "import json, sys\n"
                        + "for spec in sys.argv[5:]:\n"
                        + "    shape = [int(x) for x in spec.split('x')]\n"
                        + "    print(json.dumps({'shape': shape, 'seconds': 100.0, 'peak_rss_mb': 42}))\n");
        CliRun run =
                CliRun.of(
                        "bench",
                        "--backend",
                        "ejml",
                        "--runs",
                        "1",
                        "--warmups",
                        "0",
                        "--reference",
                        script.toString(),
                        "64x64x3x3");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("Against reference_cost.py"), run.out());
        assertTrue(run.out().contains("100.000"), run.out());
        assertTrue(run.out().contains("ours RSS MB"), run.out());
        assertTrue(run.out().contains(" 42 "), run.out());
        assertTrue(run.out().contains("load average (1 min)"), run.out());
    }

    @Test
    void jsonCarriesTheRatiosThreadsAndBothPeaks(@TempDir Path temp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("python3", "--version").start().waitFor() == 0, "needs python3");
        Path script = temp.resolve("fake_reference_cost.py");
        Files.writeString(
                script,
                "import json, sys\n"
                        + "assert sys.argv[1:3] == ['--threads', '1'], sys.argv\n"
                        + "for spec in sys.argv[5:]:\n"
                        + "    shape = [int(x) for x in spec.split('x')]\n"
                        + "    print(json.dumps({'shape': shape, 'seconds': 100.0, 'peak_rss_mb': 42}))\n");
        CliRun run =
                CliRun.of(
                        "bench",
                        "--backend",
                        "ejml",
                        "--threads",
                        "1",
                        "--runs",
                        "1",
                        "--warmups",
                        "0",
                        "--json",
                        "--reference",
                        script.toString(),
                        "64x64x3x3");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertEquals(1, root.get("threads").asInt());
        JsonNode row = root.get("measurements").get(0);
        assertEquals(100.0, row.get("reference_seconds").asDouble());
        assertEquals(42L << 20, row.get("reference_peak_rss_bytes").asLong());
        double ratio = row.get("reference_over_ours").asDouble();
        assertEquals(100.0 / row.get("median_seconds").asDouble(), ratio, 1e-9 * ratio);
        if (row.has("resident_peak_bytes")) {
            assertEquals(
                    (42L << 20) / row.get("resident_peak_bytes").asDouble(),
                    row.get("reference_rss_over_ours").asDouble(),
                    1e-9);
        }
    }

    @Test
    void aFailingReferenceScriptIsInvalidInput(@TempDir Path temp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("python3", "--version").start().waitFor() == 0, "needs python3");
        Path script = temp.resolve("broken.py");
        Files.writeString(script, "raise SystemExit(5)\n");
        CliRun run =
                CliRun.of(
                        "bench",
                        "--backend",
                        "ejml",
                        "--reference",
                        script.toString(),
                        "64x64x3x3");
        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.err().contains("failed with status 5"), run.err());
    }

    @Test
    void rejectsABadShapeAsABadCommandLine() {
        CliRun run = CliRun.of("bench", "512x512x3");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("must be COUTxCINxKHxKW"), run.err());
    }

    @Test
    void quotesTheShapeAsTypedAndRefusesShapesNoTensorHolds() {
        CliRun zero = CliRun.of("bench", "64x0x3x3");
        assertEquals(2, zero.exitCode(), zero.toString());
        assertTrue(
                zero.err().contains("shape '64x0x3x3': every dimension must be >= 1"), zero.err());
        CliRun huge = CliRun.of("bench", "--backend", "ejml", "100000x100000x3x3");
        assertEquals(2, huge.exitCode(), huge.toString());
        assertTrue(
                huge.err().contains("shape '100000x100000x3x3': 90,000,000,000 weight elements"),
                huge.err());
        assertTrue(!huge.err().contains("internal error"), huge.err());
    }

    @Test
    void anUnknownBackendIsExitCodeFour() {
        CliRun run = CliRun.of("bench", "--backend", "nope", "64x64x3x3");
        assertEquals(4, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Unknown backend 'nope'"), run.err());
    }
}
