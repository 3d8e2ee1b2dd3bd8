package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportHtmlOptionTest {
    @TempDir Path temp;

    @Test
    void writesTheHtmlReportOnlyWhenAsked() throws IOException {
        Path out = temp.resolve("out");
        CliRun run =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--report-html");
        assertEquals(0, run.exitCode(), run.toString());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg"), "inline SVG");
        assertFalse(html.contains("<script src"), "no script from elsewhere");
        assertTrue(html.contains("<title>amct report: tiny_resnet.onnx</title>"), "model named");
        assertFalse(html.contains(".amct-staging-"), "no staging folder named");
        assertTrue(html.contains("layer1.0.conv1"), "layer names in the report");

        CliRun again =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--overwrite");
        assertEquals(0, again.exitCode(), again.toString());
        assertFalse(Files.exists(out.resolve("report.html")), "a stale report.html is removed");
    }
}
