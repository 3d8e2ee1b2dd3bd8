package org.amct.api.report;

import static org.amct.api.report.HtmlStrings.count;
import static org.amct.api.report.HtmlStrings.escape;
import static org.amct.api.report.HtmlStrings.number;
import static org.amct.api.report.HtmlStrings.percent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.amct.api.BackendInfo;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerReport;
import org.amct.api.SkippedLayer;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Layer;
import org.amct.api.io.AtomicFiles;

/**
 * A decomposition result as one self-contained HTML page for people to look at: the backend and
 * device, the totals, a bar chart of the parameters and of the multiply-accumulates per output
 * pixel of every decomposed layer before and after, a table of the layers, each layer's
 * singular-value spectrum on a log scale with the VBMF threshold, the clamp band and the chosen
 * rank, and the layers left unchanged with the reason.
 *
 * <p>The page holds inline SVG and CSS only: no script, no font, image or style sheet from the
 * network. It is well-formed XML (XHTML syntax), so it can also be checked or transformed with XML
 * tools. All text taken from the model (layer names, reasons, the backend's description) is
 * escaped. The output depends only on the result, so the same result gives the same bytes.
 *
 * <p>Thread-safe: the methods are pure functions of their arguments, apart from the file written.
 */
public final class HtmlReport {
    private static final String STYLE =
            """
            body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #202124;
              margin: 24px auto; max-width: 1180px; padding: 0 16px; }
            h1 { font-size: 24px; margin-bottom: 4px; }
            h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #dadce0; }
            h3 { font-size: 14px; margin: 0 0 6px 0; font-family: "DejaVu Sans Mono", monospace; }
            table { border-collapse: collapse; font-size: 13px; }
            th, td { padding: 4px 10px; border-bottom: 1px solid #e8eaed; text-align: left; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            .scroll { overflow-x: auto; }
            table.layers td { white-space: nowrap; }
            dl.summary { display: grid; grid-template-columns: max-content auto; gap: 4px 16px;
              font-size: 14px; }
            dl.summary dt { font-weight: bold; }
            dl.summary dd { margin: 0; }
            .charts { display: flex; flex-wrap: wrap; gap: 16px 32px; }
            figure { margin: 0; }
            figcaption { font-size: 12px; color: #5f6368; max-width: 560px; }
            .muted { color: #5f6368; font-size: 13px; }
            """;

    private HtmlReport() {}

    /**
     * Renders the report.
     *
     * @param result what {@link org.amct.api.TensorDecompose#autoDecomposition} returned
     * @return the whole page, starting with {@code <!DOCTYPE html>}
     */
    public static String render(DecompositionResult result) {
        Objects.requireNonNull(result, "result");
        StringBuilder page = new StringBuilder(32_768);
        page.append("<!DOCTYPE html>\n")
                .append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n")
                .append("<title>")
                .append(escape("amct report: " + result.model().root().typeName()))
                .append("</title>\n<style>\n")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n");
        summary(page, result);
        overview(page, result.layers());
        layerTable(page, result.layers());
        spectra(page, result.layers());
        skipped(page, result);
        page.append("</body>\n</html>\n");
        return page.toString();
    }

    /**
     * Renders the report and writes it as UTF-8, atomically: the file is replaced only once
     * complete, and left as it was if writing fails.
     *
     * @param result what {@link org.amct.api.TensorDecompose#autoDecomposition} returned
     * @param file the {@code .html} file to create or replace; its folder must exist
     * @throws IOException if the file cannot be written
     */
    public static void write(DecompositionResult result, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        byte[] bytes = render(result).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    private static void summary(StringBuilder page, DecompositionResult result) {
        BackendInfo backend = result.backend();
        List<LayerReport> layers = result.layers();
        long paramsBefore = layers.stream().mapToLong(LayerReport::paramsBefore).sum();
        long paramsAfter = layers.stream().mapToLong(LayerReport::paramsAfter).sum();
        long macsBefore = layers.stream().mapToLong(LayerReport::macsBefore).sum();
        long macsAfter = layers.stream().mapToLong(LayerReport::macsAfter).sum();
        long untouched = 0;
        for (SkippedLayer skipped : result.skipped()) {
            untouched += skippedConv(result, skipped).map(Conv2d::parameterCount).orElse(0L);
        }
        double seconds = layers.stream().mapToDouble(LayerReport::seconds).sum();
        page.append("<h1>Decomposition report</h1>\n<p class=\"muted\">Model graph of type ")
                .append(escape(result.model().root().typeName()))
                .append(", decomposed by amct.</p>\n<dl class=\"summary\">\n");
        fact(
                page,
                "Backend",
                backend.displayName()
                        + " ("
                        + backend.id()
                        + ", "
                        + (backend.forced() ? "requested" : "chosen automatically")
                        + ")");
        fact(page, "Device", backend.device());
        fact(
                page,
                "Conv2d layers",
                layers.size() + " decomposed, " + result.skipped().size() + " left unchanged");
        fact(
                page,
                "Parameters of the decomposed layers",
                count(paramsBefore)
                        + " \u2192 "
                        + count(paramsAfter)
                        + " ("
                        + percent(paramsAfter, paramsBefore)
                        + ")");
        fact(
                page,
                "Parameters of all Conv2d layers",
                count(paramsBefore + untouched)
                        + " \u2192 "
                        + count(paramsAfter + untouched)
                        + " ("
                        + percent(paramsAfter + untouched, paramsBefore + untouched)
                        + ")");
        fact(
                page,
                "MACs per output pixel, summed",
                count(macsBefore)
                        + " \u2192 "
                        + count(macsAfter)
                        + " ("
                        + percent(macsAfter, macsBefore)
                        + ")");
        if (result.totals().macsBefore().isPresent()) {
            long before = result.totals().macsBefore().getAsLong();
            long after = result.totals().macsAfter().getAsLong();
            fact(
                    page,
                    "MACs per inference of all Conv2d layers",
                    count(before)
                            + " \u2192 "
                            + count(after)
                            + " ("
                            + percent(after, before)
                            + ")");
        }
        result.target()
                .ifPresent(
                        target ->
                                fact(
                                        page,
                                        "Target " + target.target(),
                                        count(target.after())
                                                + " of at most "
                                                + count(target.limit())
                                                + " ("
                                                + percent(target.after(), target.before())
                                                + " of "
                                                + count(target.before())
                                                + ")"));
        fact(page, "Time in the layers", String.format(Locale.ROOT, "%.3f s", seconds));
        result.decomposeInfoFile()
                .ifPresent(info -> fact(page, "Decomposition info", info.toString()));
        page.append("</dl>\n");
    }

    private static Optional<Conv2d> skippedConv(DecompositionResult result, SkippedLayer skipped) {
        Optional<Layer> layer = result.model().find(skipped.name());
        return layer.filter(Conv2d.class::isInstance).map(Conv2d.class::cast);
    }

    private static void fact(StringBuilder page, String term, String value) {
        page.append("<dt>")
                .append(escape(term))
                .append("</dt><dd>")
                .append(escape(value))
                .append("</dd>\n");
    }

    private static void overview(StringBuilder page, List<LayerReport> layers) {
        page.append("<h2>Parameters and multiply-accumulates per layer</h2>\n");
        if (layers.isEmpty()) {
            page.append("<p>No layer was decomposed.</p>\n");
            return;
        }
        page.append(
                        "<p class=\"muted\">Grey: the original layer; blue: its two new layers,"
                                + " with the share of the original.</p>\n<div class=\"charts\">\n")
                .append("<figure>\n")
                .append(
                        BarChart.svg(
                                "Parameters before and after",
                                layers,
                                LayerReport::paramsBefore,
                                LayerReport::paramsAfter))
                .append("\n<figcaption>Parameters (weights and bias)</figcaption>\n</figure>\n")
                .append("<figure>\n")
                .append(
                        BarChart.svg(
                                "Multiply-accumulates per output pixel before and after",
                                layers,
                                LayerReport::macsBefore,
                                LayerReport::macsAfter))
                .append("\n<figcaption>Multiply-accumulates per output pixel</figcaption>\n")
                .append("</figure>\n</div>\n");
    }

    private static void layerTable(StringBuilder page, List<LayerReport> layers) {
        if (layers.isEmpty()) {
            return;
        }
        page.append(
                        "<h2>Decomposed layers</h2>\n<div class=\"scroll\">\n<table class=\"layers\">\n<thead><tr>")
                .append("<th>layer</th><th>mode</th><th class=\"n\">rank</th><th>policy</th>")
                .append("<th>weight</th><th>first / last</th>")
                .append("<th class=\"n\">params before</th><th class=\"n\">after</th>")
                .append("<th class=\"n\">MACs/pixel before</th><th class=\"n\">after</th>")
                .append("<th class=\"n\">MACs/inference before</th><th class=\"n\">after</th>")
                .append("<th class=\"n\">rel. error</th><th class=\"n\">seconds</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (LayerReport layer : layers) {
            String weight =
                    List.of(
                                    layer.outChannels(),
                                    layer.inChannels(),
                                    layer.kernelSize().height(),
                                    layer.kernelSize().width())
                            .toString();
            page.append("<tr><td>")
                    .append(escape(layer.name()))
                    .append("</td><td>")
                    .append(escape(layer.mode()))
                    .append("</td><td class=\"n\">")
                    .append(layer.rank())
                    .append("</td><td>")
                    .append(escape(layer.policy()))
                    .append("</td><td>")
                    .append(weight)
                    .append("</td><td>")
                    .append(layer.firstShape())
                    .append(" / ")
                    .append(layer.lastShape())
                    .append("</td>");
            cell(page, count(layer.paramsBefore()));
            cell(page, count(layer.paramsAfter()));
            cell(page, count(layer.macsBefore()));
            cell(page, count(layer.macsAfter()));
            cell(
                    page,
                    layer.macsBeforeAtInput().isPresent()
                            ? count(layer.macsBeforeAtInput().getAsLong())
                            : "-");
            cell(
                    page,
                    layer.macsAfterAtInput().isPresent()
                            ? count(layer.macsAfterAtInput().getAsLong())
                            : "-");
            cell(page, number(layer.relativeError()));
            cell(page, String.format(Locale.ROOT, "%.3f", layer.seconds()));
            page.append("</tr>\n");
        }
        page.append("</tbody>\n</table>\n</div>\n");
    }

    private static void cell(StringBuilder page, String value) {
        page.append("<td class=\"n\">").append(escape(value)).append("</td>");
    }

    private static void spectra(StringBuilder page, List<LayerReport> layers) {
        if (layers.isEmpty()) {
            return;
        }
        page.append("<h2>Singular values and the chosen ranks</h2>\n")
                .append("<p class=\"muted\">Each layer's unfolded weight matrix: its singular")
                .append(" values on a log scale, the VBMF threshold, the clamp band")
                .append(" [L/(d+1), L/d] the rank is held to, and the rank chosen after rounding")
                .append(" to a multiple of 16.</p>\n<div class=\"charts\">\n");
        for (int i = 0; i < layers.size(); i++) {
            LayerReport layer = layers.get(i);
            page.append("<figure id=\"spectrum-")
                    .append(i)
                    .append("\">\n<h3>")
                    .append(escape(layer.name()))
                    .append(" \u2014 ")
                    .append(escape(layer.mode()))
                    .append(", rank ")
                    .append(layer.rank())
                    .append("</h3>\n")
                    .append(SpectrumChart.svg(layer))
                    .append("\n<figcaption>")
                    .append(escape(SpectrumChart.caption(layer)))
                    .append("</figcaption>\n</figure>\n");
        }
        page.append("</div>\n");
    }

    private static void skipped(StringBuilder page, DecompositionResult result) {
        page.append("<h2>Layers left unchanged</h2>\n");
        if (result.skipped().isEmpty()) {
            page.append("<p>None: every Conv2d was decomposed.</p>\n");
            return;
        }
        page.append("<table>\n<thead><tr><th>layer</th><th>reason</th>")
                .append("<th class=\"n\">params</th></tr></thead>\n<tbody>\n");
        for (SkippedLayer layer : result.skipped()) {
            page.append("<tr><td>")
                    .append(escape(layer.name().isEmpty() ? "(model)" : layer.name()))
                    .append("</td><td>")
                    .append(escape(layer.reason()))
                    .append("</td>");
            cell(
                    page,
                    skippedConv(result, layer)
                            .map(conv -> count(conv.parameterCount()))
                            .orElse("-"));
            page.append("</tr>\n");
        }
        page.append("</tbody>\n</table>\n");
    }
}
