package org.amct.api.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    static {
        // Surefire patches the tests into org.amct.api, which does not read java.xml by itself.
        HtmlReportTest.class
                .getModule()
                .addReads(ModuleLayer.boot().findModule("java.xml").orElseThrow());
    }

    @TempDir Path temp;

    @Test
    void realResultIsWellFormedWithOneSpectrumPerDecomposedLayer() {
        DecompositionResult result =
                TensorDecompose.autoDecomposition(
                        TinyNets.resnetLike(3, DType.FLOAT32),
                        DecompositionOptions.builder().backend("ejml").threads(1).build());
        String html = HtmlReport.render(result);
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
        DecompositionResult result =
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
        assertTrue(html.contains("fell back to rank 5"), "caption of the fallback");
        assertTrue(html.contains("3 values at or below"), "caption counts the clipped values");
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
    void writeReplacesTheFileAtomicallyWithTheRenderedPage() throws IOException {
        DecompositionResult result =
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

    private static DecompositionResult result(
            List<LayerReport> layers, List<SkippedLayer> skipped) {
        ModelGraph model = ModelGraph.builder("Net").add("relu", OpaqueLayer.leaf("ReLU")).build();
        return new DecompositionResult(
                model,
                Map.of(),
                new BackendInfo("ejml", "EJML <pure Java>", "CPU & friends", false),
                layers,
                skipped,
                Optional.empty());
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
        assertEquals(0, page.getElementsByTagNameNS("*", "script").getLength(), "no script");
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
