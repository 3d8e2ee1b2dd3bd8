package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decompose --calibration --target-params}: the budget is allocated on the whitened spectra,
 * and the printed summary, report.json and report.html say so; without calibration the same budget
 * says the weight spectra.
 */
class CalibratedBudgetCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path folder;

    private CliRun decompose(Path out, String... more) {
        String[] base = {
            "decompose",
            CliRun.EXAMPLE.toString(),
            "-o",
            out.toString(),
            "--backend",
            "ejml",
            "--threads",
            "1",
            "--target-params",
            "0.6",
            "--report-html"
        };
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void aCalibratedBudgetIsAllocatedOnTheWhitenedSpectraAndSaysSo() throws IOException {
        Path images =
                VerifyCommandTest.npy(folder.resolve("images.npy"), new long[] {4, 3, 32, 32}, 3);
        Path out = folder.resolve("calibrated");
        CliRun run = decompose(out, "--calibration", images.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("(allocated on the whitened spectra)"), run.toString());
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertEquals("data-aware", report.get("factors").asText());
        JsonNode target = report.get("totals").get("target");
        assertEquals("whitened", target.get("spectra").asText());
        assertTrue(target.get("after").asLong() <= target.get("limit").asLong(), target.toString());
        assertTrue(report.get("layers").size() > 0, report.toString());
        for (JsonNode layer : report.get("layers")) {
            assertEquals("whitened", layer.get("rank_spectrum").asText(), layer.toString());
            assertEquals("target-params:0.6", layer.get("policy").asText());
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("allocated on the whitened spectra"), html);
        assertTrue(html.contains("singular values of the whitened unfolding"), html);

        Path plain = folder.resolve("plain");
        CliRun weights = decompose(plain);
        assertEquals(0, weights.exitCode(), weights.toString());
        assertTrue(!weights.out().contains("whitened"), weights.toString());
        JsonNode plainReport = JSON.readTree(plain.resolve("report.json").toFile());
        assertEquals("weights", plainReport.get("totals").get("target").get("spectra").asText());
        for (JsonNode layer : plainReport.get("layers")) {
            assertEquals("weights", layer.get("rank_spectrum").asText(), layer.toString());
        }
    }
}
