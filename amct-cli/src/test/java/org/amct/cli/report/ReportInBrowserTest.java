package org.amct.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.TensorDecompose;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelBuilder;
import org.amct.api.graph.Padding;
import org.amct.api.graph.Size2d;
import org.amct.api.report.HtmlReport;
import org.amct.api.report.ReportContext;
import org.amct.cli.command.AmctCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser: headless Chromium (the apt package {@code chromium}, which
 * {@code .ci/run} installs) renders the example model's report, as {@code amct decompose
 * --report-html} writes it, and the report of a generated 50-layer model, and the test checks that
 * each loads with no console error or warning, that the layer table sorts when a heading is
 * clicked, that every in-page link resolves, and that every layer has a drawn chart. Skipped, with
 * the reason, where no Chromium is installed.
 */
class ReportInBrowserTest {
    private static final int WIDTH = 1280;

    @TempDir static Path temp;

    private static Chromium browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(
                binary.isPresent(),
                "No Chromium on the PATH (or AMCT_CHROMIUM): install the apt package 'chromium'"
                        + " to run the browser test of the HTML report (.ci/run does)");
        browser =
                Chromium.start(
                        binary.get(), Files.createDirectory(temp.resolve("profile")), WIDTH, 900);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void exampleModelReportWorksInTheBrowser() throws IOException {
        Path out = temp.resolve("example");
        StringWriter err = new StringWriter();
        int code =
                AmctCommand.commandLine(
                                new PrintWriter(new StringWriter(), true),
                                new PrintWriter(err, true),
                                false)
                        .execute(
                                "decompose",
                                Path.of("..", "examples", "tiny_resnet.onnx").toString(),
                                "-o",
                                out.toString(),
                                "--report-html");
        assertEquals(0, code, err.toString());
        Page page = check(out.resolve("report.html"), 4);
        assertTrue(page.text.contains("amct report: tiny_resnet.onnx"), "title names the model");
        assertTrue(page.text.contains("amct decompose"), "the command line is shown");
        assertTrue(
                page.text.contains(out.resolve("decompose_info.json").toString()),
                "the info file's final place, not the staging folder");
        assertTrue(!page.text.contains(".amct-staging-"), "no staging folder named");
    }

    @Test
    void fiftyLayerReportStaysUsable() throws IOException {
        SplittableRandom random = new SplittableRandom(50);
        ModelBuilder model = org.amct.api.graph.ModelGraph.builder("Fifty");
        for (int i = 0; i < 50; i++) {
            int channels = i % 10 == 9 ? 128 : 64;
            model.add(
                    "stage" + (i / 10) + "_conv" + (i % 10),
                    Conv2d.builder(channels, channels, Size2d.square(3))
                            .padding(Padding.symmetric(1, 1))
                            .random(random)
                            .build());
        }
        model.add("head", Conv2d.builder(64, 10, Size2d.square(1)).random(random).build());
        DecompositionResult result =
                TensorDecompose.autoDecomposition(
                        model.build(), DecompositionOptions.builder().backend("ejml").build());
        assertEquals(50, result.layers().size());
        Path file = temp.resolve("fifty.html");
        HtmlReport.write(
                result.summary(),
                ReportContext.builder()
                        .model("fifty.onnx")
                        .version("test")
                        .date(Instant.parse("2026-01-01T00:00:00Z"))
                        .commandLine("amct decompose fifty.onnx -o out --report-html")
                        .build(),
                file);
        Page page = check(file, 50);
        // Compact: a grid of small charts, not one 300-pixel chart per row.
        assertTrue(
                page.height < 50 * 300,
                "50 layers in " + page.height + " px at " + WIDTH + " px wide");
    }

    /** What was measured on a page. */
    private record Page(String text, int height) {}

    /** Loads a report and checks it in the browser; returns its text and height. */
    private static Page check(Path file, int layers) throws IOException {
        int before = browser.problems().size();
        browser.open(file);
        List<String> problems = browser.problems().subList(before, browser.problems().size());
        assertEquals(List.of(), problems, "console errors, warnings or exceptions on " + file);

        int rows =
                browser.evaluate("document.querySelectorAll('#layer-table tbody tr').length")
                        .asInt();
        assertEquals(layers, rows, "one table row per layer");
        // Every layer has its chart, drawn with a size.
        JsonNode charts =
                browser.evaluate(
                        "Array.from(document.querySelectorAll('#layer-table tbody tr')).map(r => {"
                                + " const a = r.querySelector('a[href^=\"#spectrum-\"]');"
                                + " const f = a && document.getElementById(a.getAttribute('href').slice(1));"
                                + " const s = f && f.querySelector('svg.spectrum');"
                                + " const b = s && s.getBoundingClientRect();"
                                + " return !!(b && b.width > 100 && b.height > 50"
                                + " && s.querySelector('line.rank')); })");
        assertEquals(layers, charts.size());
        charts.forEach(c -> assertTrue(c.asBoolean(), "a row without a drawn chart: " + charts));
        // Every in-page link resolves.
        JsonNode broken =
                browser.evaluate(
                        "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
                                + ".filter(h => !h.startsWith('#') || !document.getElementById(h.slice(1)))");
        assertEquals(0, broken.size(), "links that lead nowhere: " + broken);
        // The table sorts by the clicked heading, up then down, numbers as numbers.
        List<Double> up = sortBy("rel. error");
        List<Double> sorted = new ArrayList<>(up);
        sorted.sort(null);
        assertEquals(sorted, up, "ascending after one click");
        List<Double> down = sortBy("rel. error");
        sorted.sort(java.util.Collections.reverseOrder());
        assertEquals(sorted, down, "descending after the second click");
        List<Double> byNumber = sortBy("#");
        for (int i = 0; i < byNumber.size(); i++) {
            assertEquals(i + 1, byNumber.get(i).intValue(), "back in model order");
        }
        String text = browser.evaluate("document.body.innerText").asText();
        int height = browser.evaluate("document.documentElement.scrollHeight").asInt();
        assertEquals(List.of(), browser.problems().subList(before, browser.problems().size()));
        return new Page(text, height);
    }

    /** Clicks the heading that starts with {@code heading}; returns the column's sort keys. */
    private static List<Double> sortBy(String heading) throws IOException {
        JsonNode values =
                browser.evaluate(
                        "(() => { const th = Array.from(document.querySelectorAll('#layer-table th'))"
                                + ".find(t => t.textContent.startsWith('"
                                + heading
                                + "'));"
                                + " th.click();"
                                + " return Array.from(document.querySelectorAll('#layer-table tbody tr'))"
                                + ".map(r => parseFloat(r.cells[th.cellIndex].getAttribute('data-sort'))); })()");
        List<Double> out = new ArrayList<>();
        values.forEach(v -> out.add(v.asDouble()));
        return out;
    }
}
