package org.amct.api.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.amct.api.BackendInfo;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerReport;
import org.amct.api.SkippedLayer;
import org.amct.api.Spectrum;
import org.amct.api.TensorDecompose;
import org.amct.api.TinyNets;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.OpaqueLayer;
import org.amct.api.graph.Size2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

class HtmlReportTest {
    private static final String SVG = "http://www.w3.org/2000/svg";
    private static final String XHTML = "http://www.w3.org/1999/xhtml";

    static {
        // Surefire patches the tests into org.amct.api, which does not read java.xml by itself.
        HtmlReportTest.class
                .getModule()
                .addReads(ModuleLayer.boot().findModule("java.xml").orElseThrow());
    }

    @TempDir Path temp;

    @Test
    void realResultIsWellFormedWithOneSpectrumPerDecomposedLayer() throws IOException {
        DecompositionResult result =
                TensorDecompose.autoDecomposition(
                        TinyNets.resnetLike(3, DType.FLOAT32),
                        DecompositionOptions.builder().backend("ejml").threads(1).build());
        String html = HtmlReport.render(result.summary());
        Document page = parse(html);

        assertEquals(result.layers().size(), spectra(page).size(), "one spectrum per layer");
        assertFalse(result.layers().isEmpty());
        for (LayerReport layer : result.layers()) {
            assertTrue(html.contains(layer.name()), layer.name());
        }
        for (SkippedLayer skipped : result.skipped()) {
            assertTrue(html.contains(HtmlStrings.escape(skipped.reason())), skipped.reason());
        }
        assertEquals(2, elements(page, SVG, "svg").stream().filter(isClass("bars")).count());
        assertTrue(html.contains(result.backend().device()), "device shown");
        assertSelfContained(page, html);
        assertFiniteCoordinates(page);
    }

    @Test
    void escapesTextTakenFromTheModel() {
        String name = "a<b>&\"c'\u0001";
        LayerReport layer = layer(name, new double[] {4, 2, 1}, 1.5, 2, 1, 1);
        RunSummary result =
                result(List.of(layer), List.of(new SkippedLayer("x</td>", "k <3 & \"odd\"")));
        String html = HtmlReport.render(result);
        Document page = parse(html);

        assertTrue(page.getDocumentElement().getTextContent().contains("a<b>&\"c'"));
        assertTrue(page.getDocumentElement().getTextContent().contains("k <3 & \"odd\""));
        assertFalse(html.contains("<b>"));
        assertEquals(1, spectra(page).size());
    }

    @Test
    void zerosAreDrawnAtTheFloorAndANanThresholdIsLeftOut() {
        LayerReport fellBack =
                layer("fell.back", new double[] {8, 3, 1e-30, 0, 0}, Double.NaN, -1, 0, 1);
        LayerReport allZero = layer("all.zero", new double[] {0, 0, 0}, Double.NaN, -1, 0, 0);
        LayerReport fullRank = layer("full.rank", new double[] {2, 1}, 0.0, 2, 2, 2);
        String html = HtmlReport.render(result(List.of(fellBack, allZero, fullRank), List.of()));
        Document page = parse(html);

        assertEquals(3, spectra(page).size());
        assertFiniteCoordinates(page);
        Element first = spectra(page).get(0);
        assertEquals(0, elements(first, SVG, "line").stream().filter(isClass("threshold")).count());
        assertEquals(1, elements(first, SVG, "line").stream().filter(isClass("rank")).count());
        assertTrue(html.contains("falls back to the full rank 5"), "why line of the fallback");
        assertTrue(html.contains("3 values under"), "caption counts the clipped values");
        assertTrue(html.contains("All singular values are zero"), "the all-zero spectrum");
    }

    @Test
    void drawsTheThresholdTheBandAndTheRank() {
        double[] values = new double[48];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < 20 ? 100.0 / (i + 1) : 0.01;
        }
        Document page =
                parse(
                        HtmlReport.render(
                                result(List.of(layer("c", values, 1.0, 20, 6, 8)), List.of())));
        Element chart = spectra(page).get(0);
        assertEquals(1, elements(chart, SVG, "line").stream().filter(isClass("threshold")).count());
        assertEquals(1, elements(chart, SVG, "rect").stream().filter(isClass("band")).count());
        assertEquals(48, elements(chart, SVG, "circle").size(), "markers on short spectra");
    }

    @Test
    void theContextIsShownAtTheTopAndEscaped() {
        ReportContext context =
                ReportContext.builder()
                        .model("net<1>.onnx")
                        .version("9.8.7")
                        .date(Instant.parse("2026-01-02T03:04:05Z"))
                        .commandLine("amct decompose 'net<1>.onnx' -o out --report-html")
                        .fact("Target", "40% of Conv2d parameters: met")
                        .section(
                                new ReportContext.Section(
                                        "fidelity",
                                        "Fidelity on real inputs",
                                        "Top-1 agreement & cosine",
                                        List.of("metric", "value"),
                                        List.of(List.of("top-1 agreement", "0.98"))))
                        .build();
        String html =
                HtmlReport.render(
                        result(
                                List.of(layer("c", new double[] {4, 2, 1}, 1.5, 2, 1, 1)),
                                List.of()),
                        context);
        Document page = parse(html);
        String text = page.getDocumentElement().getTextContent();

        assertTrue(text.contains("amct report: net<1>.onnx"), "model in the title");
        assertTrue(text.contains("amct 9.8.7"), "version");
        assertTrue(text.contains("2026-01-02 03:04 UTC"), "date");
        assertTrue(text.contains("amct decompose 'net<1>.onnx' -o out --report-html"), "command");
        assertTrue(text.contains("40% of Conv2d parameters: met"), "a fact of the context");
        assertTrue(text.contains("Top-1 agreement & cosine"), "a section of the context");
        assertTrue(html.contains("<h2 id=\"fidelity\">"), "the section has its anchor");
        assertFalse(html.contains("Model graph of type"), "no type name for a subtitle");
        assertEquals(
                HtmlReport.render(result(List.of(), List.of()), ReportContext.empty()),
                HtmlReport.render(result(List.of(), List.of())));
    }

    @Test
    void sectionsRefuseBadIdsAndRowsOfTheWrongWidth() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ReportContext.Section("1 bad", "t", "", List.of(), List.of()));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new ReportContext.Section(
                                "ok", "t", "", List.of("a", "b"), List.of(List.of("only one"))));
    }

    @Test
    void summaryInWordsWorstLayersAndTheFixedErrorScale() {
        List<LayerReport> layers = new ArrayList<>();
        double[] errors = {0.05, 0.2, 0.45, 0.9, 0.31, 0.7, 0.12};
        for (int i = 0; i < errors.length; i++) {
            layers.add(withError(layer("l" + i, new double[] {4, 2, 1}, 1.5, 2, 1, 1), errors[i]));
        }
        String html = HtmlReport.render(result(layers, List.of()));
        Document page = parse(html);
        String text = page.getDocumentElement().getTextContent();

        assertTrue(text.contains("Kept "), text);
        assertTrue(text.contains("of the Conv2d weights"), "summary says what is kept");
        assertTrue(text.contains("median 0.31, highest 0.9 (l3)"), "error in words");
        List<Element> worst = elementsByClass(page, "ol", "worst");
        assertEquals(1, worst.size());
        List<String> names = new ArrayList<>();
        for (Element a : elements(worst.get(0), XHTML, "a")) {
            if (a.getAttribute("href").startsWith("#layer-")) {
                names.add(a.getTextContent());
            }
        }
        assertEquals(List.of("l3", "l5", "l2", "l4", "l1"), names, "five highest, worst first");
        assertEquals(0, HtmlReport.errorBand(0.05));
        assertEquals(1, HtmlReport.errorBand(0.1));
        assertEquals(2, HtmlReport.errorBand(0.45));
        assertEquals(3, HtmlReport.errorBand(0.6));
        assertEquals(3, HtmlReport.errorBand(Double.NaN));
        assertTrue(html.contains("class=\"n e3\" data-sort=\"0.9\""), "0.9 is very high");
        assertTrue(html.contains("class=\"n e0\" data-sort=\"0.05\""), "0.05 is low");
        assertLinksResolve(page);
    }

    @Test
    void everyRowLinksToItsSpectrumAndBack() throws IOException {
        DecompositionResult result =
                TensorDecompose.autoDecomposition(
                        TinyNets.resnetLike(5, DType.FLOAT32),
                        DecompositionOptions.builder().backend("ejml").threads(1).build());
        Document page = parse(HtmlReport.render(result.summary()));
        Set<String> ids = ids(page);
        for (int i = 0; i < result.layers().size(); i++) {
            assertTrue(ids.contains("layer-" + i), "row " + i);
            assertTrue(ids.contains("spectrum-" + i), "chart " + i);
        }
        assertLinksResolve(page);
    }

    @Test
    void spectraShareOneNormalisedScale() {
        LayerReport small = layer("small", new double[] {1e-3, 5e-4, 1e-4}, 6e-4, 1, 1, 1);
        LayerReport large = layer("large", new double[] {1e3, 5e2, 1e2}, 6e2, 1, 1, 1);
        Document page = parse(HtmlReport.render(result(List.of(small, large), List.of())));
        List<Element> charts = spectra(page);
        List<String> first = circleYs(charts.get(0));
        List<String> second = circleYs(charts.get(1));
        assertEquals(first, second, "same relative values, same heights whatever the magnitude");
        Element threshold0 =
                elements(charts.get(0), SVG, "line").stream()
                        .filter(isClass("threshold"))
                        .findFirst()
                        .orElseThrow();
        Element threshold1 =
                elements(charts.get(1), SVG, "line").stream()
                        .filter(isClass("threshold"))
                        .findFirst()
                        .orElseThrow();
        assertEquals(threshold0.getAttribute("y1"), threshold1.getAttribute("y1"));
    }

    @Test
    void whyLinesNameEveryStepOfTheRule() {
        // n = 192, band [27, 32]: VBMF 0 is raised to 27 and rounded to 32.
        assertEquals(
                "VBMF keeps none of the 192 singular values (the spectrum looks like noise), below"
                        + " the clamp band [27, 32], so raised to 27; rounded to a multiple of 16: 32"
                        + " \u2192 rank 32.",
                RankExplanation.full(ranked(192, 0, 27, 32, 32)));
        assertEquals("band low (VBMF 0)", RankExplanation.brief(ranked(192, 0, 27, 32, 32)));
        // Inside the band, no rounding needed.
        assertEquals(
                "VBMF keeps 48 of 384, inside the clamp band [27, 64] \u2192 rank 48.",
                RankExplanation.full(ranked(384, 48, 27, 64, 48)));
        // Above the band: lowered to its top.
        assertTrue(
                RankExplanation.full(ranked(768, 300, 153, 192, 192))
                        .contains("above the clamp band [153, 192], so lowered to 192"));
        // Rounding 153 to 144 would lose over 10%? 144 >= 0.9 * 153, so 16 is not added; 27 -> 32.
        // 25 -> nearest 32; 9 -> 16 (at least 16): capped at n = 12.
        assertEquals(
                "VBMF keeps 9 of 12, inside the clamp band [1, 12]; rounded to a multiple of 16: 16;"
                        + " capped at the full rank 12 \u2192 rank 12.",
                RankExplanation.full(ranked(12, 9, 1, 12, 12)));
        // The full-rank policy and the fallback.
        assertEquals(
                "Full-rank policy: all 64 singular values are kept.",
                RankExplanation.full(ranked(64, 64, 64, 64, 64, 0.0)));
        assertTrue(
                RankExplanation.full(ranked(64, -1, 10, 16, 64, Double.NaN))
                        .contains("falls back to the full rank 64"));
        // A rank the rule does not give was set after it.
        assertTrue(
                RankExplanation.full(ranked(384, 48, 27, 64, 96))
                        .endsWith(
                                "The rule gives 48; rank 96 was set after it (policy or budget)."));
        assertEquals("set after the rule", RankExplanation.brief(ranked(384, 48, 27, 64, 96)));
    }

    @Test
    void nothingDecomposedIsSaidPlainly() {
        String text =
                parse(
                                HtmlReport.render(
                                        result(
                                                List.of(),
                                                List.of(
                                                        new SkippedLayer("a", "groups 2 > 1"),
                                                        new SkippedLayer("b", "groups 2 > 1")))))
                        .getDocumentElement()
                        .getTextContent();
        assertTrue(text.contains("Nothing was decomposed: none of the 2 Conv2d layers"), text);
        assertTrue(text.contains("2 \u00d7 groups 2 > 1"), "reasons counted");
    }

    private static RunSummary.Layer ranked(int n, int vbmf, int low, int high, int rank) {
        return ranked(n, vbmf, low, high, rank, 1.0);
    }

    private static RunSummary.Layer ranked(
            int n, int vbmf, int low, int high, int rank, double threshold) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = 1.0 / (i + 1);
        }
        LayerReport base = layer("x", values, threshold, vbmf, low, high);
        LayerReport report =
                new LayerReport(
                        base.name(),
                        base.mode(),
                        rank,
                        base.inChannels(),
                        base.outChannels(),
                        base.kernelSize(),
                        base.stride(),
                        base.firstShape(),
                        base.lastShape(),
                        base.paramsBefore(),
                        base.paramsAfter(),
                        base.macsBefore(),
                        base.macsAfter(),
                        base.relativeError(),
                        base.storedRelativeError(),
                        base.clampedElements(),
                        base.seconds(),
                        base.spectrum());
        return result(List.of(report), List.of()).layers().get(0);
    }

    private static LayerReport withError(LayerReport base, double error) {
        return new LayerReport(
                base.name(),
                base.mode(),
                base.rank(),
                base.inChannels(),
                base.outChannels(),
                base.kernelSize(),
                base.stride(),
                base.firstShape(),
                base.lastShape(),
                base.paramsBefore(),
                base.paramsAfter(),
                base.macsBefore(),
                base.macsAfter(),
                error,
                base.storedRelativeError(),
                base.clampedElements(),
                base.seconds(),
                base.spectrum());
    }

    private static List<String> circleYs(Element chart) {
        return elements(chart, SVG, "circle").stream().map(c -> c.getAttribute("cy")).toList();
    }

    private static Set<String> ids(Document page) {
        Set<String> ids = new HashSet<>();
        NodeList all = page.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            String id = ((Element) all.item(i)).getAttribute("id");
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Every in-page link leads to an element with that id. */
    private static void assertLinksResolve(Document page) {
        Set<String> ids = ids(page);
        for (Element a : elements(page, XHTML, "a")) {
            String href = a.getAttribute("href");
            assertTrue(href.startsWith("#"), "only in-page links: " + href);
            assertTrue(ids.contains(href.substring(1)), "link target " + href);
        }
    }

    private static List<Element> elementsByClass(Document page, String tag, String name) {
        return elements(page, XHTML, tag).stream().filter(isClass(name)).toList();
    }

    @Test
    void writeReplacesTheFileAtomicallyWithTheRenderedPage() throws IOException {
        RunSummary result =
                result(List.of(layer("conv", new double[] {3, 2, 1}, 1.5, 2, 1, 1)), List.of());
        Path file = temp.resolve("report.html");
        Files.writeString(file, "old");

        HtmlReport.write(result, file);

        assertEquals(HtmlReport.render(result), Files.readString(file, StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.list(temp)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    private static LayerReport layer(
            String name, double[] values, double threshold, int vbmfRank, int low, int high) {
        int rank = Math.max(1, Math.min(values.length, high));
        return new LayerReport(
                name,
                "SCFK",
                rank,
                64,
                64,
                Size2d.square(3),
                Size2d.square(1),
                List.of(rank, 64, 3, 1),
                List.of(64, rank, 1, 3),
                36_864,
                384L * rank,
                36_864,
                384L * rank,
                0.25,
                0.25,
                0,
                0.01,
                new Spectrum(values, threshold, vbmfRank, low, high));
    }

    private static RunSummary result(List<LayerReport> layers, List<SkippedLayer> skipped) {
        ModelGraph model = ModelGraph.builder("Net").add("relu", OpaqueLayer.leaf("ReLU")).build();
        return new DecompositionResult(
                        model,
                        Map.of(),
                        new BackendInfo("ejml", "EJML <pure Java>", "CPU & friends", false),
                        layers,
                        skipped,
                        Optional.empty())
                .summary();
    }

    /** Parses the page as XML: well-formedness is what a browser's XHTML parser would demand. */
    static Document parse(String html) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
            factory.setFeature(
                    "http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionError("The report is not well-formed XML: " + e.getMessage(), e);
        }
    }

    static List<Element> spectra(Node root) {
        return elements(root, SVG, "svg").stream().filter(isClass("spectrum")).toList();
    }

    private static java.util.function.Predicate<Element> isClass(String name) {
        return element -> element.getAttribute("class").equals(name);
    }

    private static List<Element> elements(Node root, String namespace, String name) {
        NodeList list =
                root instanceof Document document
                        ? document.getElementsByTagNameNS(namespace, name)
                        : ((Element) root).getElementsByTagNameNS(namespace, name);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    private static void assertSelfContained(Document page, String html) {
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        NodeList scripts = page.getElementsByTagNameNS("*", "script");
        assertEquals(1, scripts.getLength(), "one inline script (the table's sorting)");
        assertFalse(((Element) scripts.item(0)).hasAttribute("src"), "no script from elsewhere");
        assertEquals(0, page.getElementsByTagNameNS("*", "link").getLength(), "no style sheet");
        assertEquals(0, page.getElementsByTagNameNS("*", "img").getLength(), "no image");
        String withoutNamespaces =
                html.replace("http://www.w3.org/1999/xhtml", "")
                        .replace("http://www.w3.org/2000/svg", "");
        assertFalse(withoutNamespaces.contains("http:"), "no network reference");
        assertFalse(withoutNamespaces.contains("https:"), "no network reference");
    }

    /** No attribute of any SVG element holds NaN or Infinity. */
    private static void assertFiniteCoordinates(Document page) {
        NodeList all = page.getElementsByTagNameNS(SVG, "*");
        for (int i = 0; i < all.getLength(); i++) {
            NamedNodeMap attributes = all.item(i).getAttributes();
            for (int j = 0; j < attributes.getLength(); j++) {
                String value = attributes.item(j).getNodeValue();
                assertFalse(
                        value.contains("NaN") || value.contains("Infinity"),
                        all.item(i).getNodeName() + " has " + value);
            }
        }
    }
}
