package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

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
    void rejectsABadShapeAsABadCommandLine() {
        CliRun run = CliRun.of("bench", "512x512x3");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("must be COUTxCINxKHxKW"), run.err());
    }

    @Test
    void anUnknownBackendIsExitCodeFour() {
        CliRun run = CliRun.of("bench", "--backend", "nope", "64x64x3x3");
        assertEquals(4, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Unknown backend 'nope'"), run.err());
    }
}
