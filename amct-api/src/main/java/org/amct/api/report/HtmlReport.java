package org.amct.api.report;

import static org.amct.api.report.HtmlStrings.count;
import static org.amct.api.report.HtmlStrings.escape;
import static org.amct.api.report.HtmlStrings.number;
import static org.amct.api.report.HtmlStrings.percent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.amct.api.io.AtomicFiles;

/**
 * A decomposition result as one self-contained HTML page that helps decide whether to keep it: at
 * the top the model file, the amct version, the date, the command line and the backend (from a
 * {@link ReportContext}); a summary in words (the share of the Conv2d weights and of the
 * multiply-accumulates kept, the error, and any facts the context adds, a target for example); the
 * layers with the highest error; a sortable table of the layers with the relative error coloured on
 * a fixed scale and each row linked to its spectrum; the spectra on a shared, normalised scale in a
 * compact grid, each with a line saying why the rank is what it is; the layers left unchanged with
 * their reasons counted; and any sections the context adds (the fidelity measured on real inputs,
 * for one).
 *
 * <p>The page holds inline SVG, CSS and one short inline script (the table's sorting; the page is
 * complete without it): no font, image, script or style sheet from the network. It is well-formed
 * XML (XHTML syntax), so it can also be checked or transformed with XML tools. All text taken from
 * the model or the context (layer names, reasons, the command line) is escaped. The output depends
 * only on the result and the context, so the same inputs give the same bytes.
 *
 * <p>Thread-safe: the methods are pure functions of their arguments, apart from the file written.
 */
public final class HtmlReport {
    /** The fixed error scale: the upper ends of the low, moderate and high bands. */
    static final double[] ERROR_BANDS = {0.1, 0.3, 0.6};

    private static final String[] ERROR_NAMES = {"low", "moderate", "high", "very high"};

    /** How many layers the "highest error" list names. */
    static final int WORST_LAYERS = 5;

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    private static final String STYLE =
            """
            body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #202124;
              margin: 24px auto; max-width: 1220px; padding: 0 16px; }
            h1 { font-size: 22px; margin-bottom: 4px; }
            h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #dadce0; }
            h3 { font-size: 12px; margin: 0; font-family: "DejaVu Sans Mono", monospace;
              overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
            table { border-collapse: collapse; font-size: 12px; }
            th, td { padding: 3px 8px; border-bottom: 1px solid #e8eaed; text-align: left; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            .scroll { overflow-x: auto; }
            table.layers td { white-space: nowrap; }
            table.layers th { cursor: pointer; user-select: none; white-space: nowrap; }
            table.layers th[aria-sort="ascending"]::after { content: " \\25B2"; }
            table.layers th[aria-sort="descending"]::after { content: " \\25BC"; }
            tr:target, figure:target { outline: 2px solid #1a73e8; }
            dl.summary { display: grid; grid-template-columns: max-content auto; gap: 3px 16px;
              font-size: 13px; }
            dl.summary dt { font-weight: bold; }
            dl.summary dd { margin: 0; }
            pre.command { background: #f1f3f4; padding: 6px 10px; font-size: 12px;
              white-space: pre-wrap; word-break: break-all; }
            ul.words { font-size: 14px; line-height: 1.5; }
            .e0 { background: #ceead6; } .e1 { background: #fef7e0; }
            .e2 { background: #fde2c8; } .e3 { background: #fad2cf; }
            span.swatch { display: inline-block; padding: 0 6px; margin-right: 4px; }
            .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(290px, 1fr));
              gap: 12px; }
            .grid figure { margin: 0; padding: 4px; border: 1px solid #e8eaed; }
            p.why { font-size: 11px; margin: 2px 0; }
            p.line { font-size: 11px; margin: 2px 0; color: #3c4043; }
            figcaption { font-size: 10px; color: #5f6368; }
            .charts { display: flex; flex-wrap: wrap; gap: 16px 32px; }
            .charts figure { margin: 0; }
            .muted { color: #5f6368; font-size: 13px; }
            """;

    /**
     * Sorts the layer table by the clicked column (numbers by their {@code data-sort} value). It
     * holds neither {@code <} nor {@code &}, so the page stays well-formed XML without CDATA.
     */
    private static final String SCRIPT =
            """
            (function () {
              var table = document.getElementById("layer-table");
              if (!table) { return; }
              var body = table.tBodies[0];
              var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
              function key(row, column) {
                var cell = row.cells[column];
                var value = cell.getAttribute("data-sort");
                return value === null ? cell.textContent : parseFloat(value);
              }
              function sortBy(column) {
                var head = heads[column];
                var ascending = head.getAttribute("aria-sort") !== "ascending";
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                  var x = key(a, column), y = key(b, column);
                  var order = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
                  return ascending ? order : -order;
                });
                heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
                head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
                rows.forEach(function (row) { body.appendChild(row); });
              }
              heads.forEach(function (head, column) {
                head.tabIndex = 0;
                head.title = "Sort by this column";
                head.addEventListener("click", function () { sortBy(column); });
                head.addEventListener("keydown", function (e) {
                  if (e.key === "Enter") { sortBy(column); }
                });
              });
            })();
            """;

    static {
        if (SCRIPT.indexOf('<') >= 0 || SCRIPT.indexOf('&') >= 0) {
            throw new ExceptionInInitializerError("The report's script must not hold < or &");
        }
    }

    private HtmlReport() {}

    /**
     * Renders the report of the result alone (no model file, version, date or command line).
     *
     * @param run the run's summary ({@code DecompositionResult.summary()})
     * @return the whole page, starting with {@code <!DOCTYPE html>}
     */
    public static String render(RunSummary run) {
        return render(run, ReportContext.empty());
    }

    /**
     * Renders the report.
     *
     * @param run the run's summary ({@code DecompositionResult.summary()})
     * @param context the model file, version, date, command line, more facts and sections
     * @return the whole page, starting with {@code <!DOCTYPE html>}
     */
    public static String render(RunSummary run, ReportContext context) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(context, "context");
        StringBuilder page = new StringBuilder(65_536);
        String title = "amct report" + context.model().map(m -> ": " + m).orElse("");
        page.append("<!DOCTYPE html>\n")
                .append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n")
                .append("<title>")
                .append(escape(title))
                .append("</title>\n<style>\n")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n");
        header(page, title, run, context);
        summary(page, run, context);
        for (ReportContext.Section section : context.sections()) {
            section(page, section);
        }
        List<RunSummary.Layer> layers = run.layers();
        worst(page, layers);
        layerTable(page, layers);
        spectra(page, layers);
        skipped(page, run);
        overview(page, layers);
        page.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return page.toString();
    }

    /**
     * Renders the report of the result alone and writes it as UTF-8, atomically: the file is
     * replaced only once complete, and left as it was if writing fails.
     *
     * @param run the run's summary ({@code DecompositionResult.summary()})
     * @param file the {@code .html} file to create or replace; its folder must exist
     * @throws IOException if the file cannot be written
     */
    public static void write(RunSummary run, Path file) throws IOException {
        write(run, ReportContext.empty(), file);
    }

    /**
     * Renders the report and writes it as UTF-8, atomically: the file is replaced only once
     * complete, and left as it was if writing fails.
     *
     * @param run the run's summary ({@code DecompositionResult.summary()})
     * @param context the model file, version, date, command line, more facts and sections
     * @param file the {@code .html} file to create or replace; its folder must exist
     * @throws IOException if the file cannot be written
     */
    public static void write(RunSummary run, ReportContext context, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        byte[] bytes = render(run, context).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    private static void header(
            StringBuilder page, String title, RunSummary run, ReportContext context) {
        RunSummary.Backend backend = run.backend();
        List<String> line = new ArrayList<>();
        context.version().ifPresent(v -> line.add("amct " + v));
        context.date().ifPresent(d -> line.add(DATE.format(d)));
        line.add(
                "backend "
                        + backend.id()
                        + " ("
                        + backend.displayName()
                        + ", "
                        + (backend.forced() ? "requested" : "chosen automatically")
                        + ") on "
                        + backend.device());
        page.append("<h1>")
                .append(escape(title))
                .append("</h1>\n<p class=\"muted\" id=\"run\">")
                .append(escape(String.join(" \u00b7 ", line)))
                .append("</p>\n");
        context.commandLine()
                .ifPresent(
                        command ->
                                page.append("<pre class=\"command\"><code>")
                                        .append(escape(command))
                                        .append("</code></pre>\n"));
    }

    private static void summary(StringBuilder page, RunSummary run, ReportContext context) {
        List<RunSummary.Layer> layers = run.layers();
        long paramsBefore = layers.stream().mapToLong(RunSummary.Layer::paramsBefore).sum();
        long paramsAfter = layers.stream().mapToLong(RunSummary.Layer::paramsAfter).sum();
        long macsBefore = layers.stream().mapToLong(RunSummary.Layer::macsBefore).sum();
        long macsAfter = layers.stream().mapToLong(RunSummary.Layer::macsAfter).sum();
        long untouched = 0;
        for (RunSummary.Skipped skipped : run.skipped()) {
            untouched += skipped.parameters().orElse(0L);
        }
        int convs = layers.size() + run.skipped().size();
        page.append("<h2 id=\"summary\">Summary</h2>\n<ul class=\"words\">\n");
        if (layers.isEmpty()) {
            words(
                    page,
                    "Nothing was decomposed: "
                            + (convs == 0
                                    ? "the model has no Conv2d layer."
                                    : "none of the "
                                            + convs
                                            + " Conv2d layers is eligible (the reasons are under"
                                            + " \u201cLayers left unchanged\u201d)."));
        } else {
            words(
                    page,
                    "Kept "
                            + percent(paramsAfter + untouched, paramsBefore + untouched)
                            + " of the Conv2d weights: "
                            + count(paramsBefore + untouched)
                            + " \u2192 "
                            + count(paramsAfter + untouched)
                            + " parameters over all "
                            + convs
                            + " Conv2d layers ("
                            + layers.size()
                            + " decomposed, "
                            + run.skipped().size()
                            + " left unchanged).");
            words(
                    page,
                    "The decomposed layers keep "
                            + percent(paramsAfter, paramsBefore)
                            + " of their parameters ("
                            + count(paramsBefore)
                            + " \u2192 "
                            + count(paramsAfter)
                            + ") and "
                            + percent(macsAfter, macsBefore)
                            + " of their multiply-accumulates per output pixel ("
                            + count(macsBefore)
                            + " \u2192 "
                            + count(macsAfter)
                            + ").");
            words(page, errorWords(layers));
        }
        if (run.macsBeforeAtInput().isPresent()) {
            long before = run.macsBeforeAtInput().getAsLong();
            long after = run.macsAfterAtInput().getAsLong();
            words(
                    page,
                    "Multiply-accumulates per inference at the model's input shape, all Conv2d"
                            + " layers: "
                            + count(before)
                            + " \u2192 "
                            + count(after)
                            + " ("
                            + percent(after, before)
                            + ").");
        }
        run.target()
                .ifPresent(
                        target ->
                                words(
                                        page,
                                        "Target "
                                                + target.spelling()
                                                + (target.spectra().equals("weights")
                                                        ? ""
                                                        : ", allocated on the "
                                                                + target.spectra()
                                                                + " spectra (calibration data)")
                                                + ": "
                                                + count(target.after())
                                                + " of at most "
                                                + count(target.limit())
                                                + " ("
                                                + percent(target.after(), target.before())
                                                + " of "
                                                + count(target.before())
                                                + ")."));
        page.append("</ul>\n");
        if (!context.facts().isEmpty()
                || run.decomposeInfoFile().isPresent()
                || !layers.isEmpty()) {
            page.append("<dl class=\"summary\">\n");
            for (ReportContext.Fact fact : context.facts()) {
                fact(page, fact.term(), fact.value());
            }
            if (!layers.isEmpty()) {
                double seconds = layers.stream().mapToDouble(RunSummary.Layer::seconds).sum();
                fact(page, "Time in the layers", String.format(Locale.ROOT, "%.3f s", seconds));
            }
            run.decomposeInfoFile()
                    .ifPresent(info -> fact(page, "Decomposition info", info.toString()));
            page.append("</dl>\n");
        }
    }

    private static String errorWords(List<RunSummary.Layer> layers) {
        double[] errors =
                layers.stream().mapToDouble(RunSummary.Layer::relativeError).sorted().toArray();
        double median =
                errors.length % 2 == 1
                        ? errors[errors.length / 2]
                        : (errors[errors.length / 2 - 1] + errors[errors.length / 2]) / 2;
        RunSummary.Layer worst =
                layers.stream()
                        .max(Comparator.comparingDouble(RunSummary.Layer::relativeError))
                        .get();
        long high = layers.stream().filter(l -> errorBand(l.relativeError()) >= 2).count();
        return "Relative weight error \u2016W \u2212 W\u2032\u2016 / \u2016W\u2016: median "
                + number(median)
                + ", highest "
                + number(worst.relativeError())
                + " ("
                + displayName(worst.name())
                + "); "
                + high
                + " of "
                + layers.size()
                + (layers.size() == 1 ? " layer" : " layers")
                + " at "
                + number(ERROR_BANDS[1])
                + " or more (high or very high on the fixed scale).";
    }

    private static void words(StringBuilder page, String text) {
        page.append("<li>").append(escape(text)).append("</li>\n");
    }

    private static void fact(StringBuilder page, String term, String value) {
        page.append("<dt>")
                .append(escape(term))
                .append("</dt><dd>")
                .append(escape(value))
                .append("</dd>\n");
    }

    private static void section(StringBuilder page, ReportContext.Section section) {
        page.append("<h2 id=\"")
                .append(section.id())
                .append("\">")
                .append(escape(section.title()))
                .append("</h2>\n");
        if (!section.intro().isEmpty()) {
            page.append("<p>").append(escape(section.intro())).append("</p>\n");
        }
        if (section.columns().isEmpty()) {
            return;
        }
        page.append("<div class=\"scroll\">\n<table>\n<thead><tr>");
        section.columns().forEach(c -> page.append("<th>").append(escape(c)).append("</th>"));
        page.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : section.rows()) {
            page.append("<tr>");
            row.forEach(c -> page.append("<td>").append(escape(c)).append("</td>"));
            page.append("</tr>\n");
        }
        page.append("</tbody>\n</table>\n</div>\n");
    }

    /** The band of the fixed error scale: 0 low, 1 moderate, 2 high, 3 very high. */
    static int errorBand(double error) {
        for (int i = 0; i < ERROR_BANDS.length; i++) {
            if (error < ERROR_BANDS[i]) {
                return i;
            }
        }
        return ERROR_BANDS.length; // also NaN
    }

    private static void errorLegend(StringBuilder page) {
        page.append("<p class=\"muted\" id=\"error-scale\">Relative error, on a fixed scale")
                .append(" (the same in every report): ");
        for (int band = 0; band <= ERROR_BANDS.length; band++) {
            String range =
                    band == 0
                            ? "under " + number(ERROR_BANDS[0])
                            : band == ERROR_BANDS.length
                                    ? number(ERROR_BANDS[band - 1]) + " or more"
                                    : number(ERROR_BANDS[band - 1])
                                            + " to "
                                            + number(ERROR_BANDS[band]);
            page.append("<span class=\"swatch e")
                    .append(band)
                    .append("\">")
                    .append(escape(ERROR_NAMES[band] + ": " + range))
                    .append("</span>");
        }
        page.append("</p>\n");
    }

    private static void worst(StringBuilder page, List<RunSummary.Layer> layers) {
        if (layers.isEmpty()) {
            return;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            order.add(i);
        }
        order.sort(
                Comparator.comparingDouble((Integer i) -> layers.get(i).relativeError())
                        .reversed()
                        .thenComparing(i -> i));
        int shown = Math.min(WORST_LAYERS, layers.size());
        page.append("<h2 id=\"worst\">Highest error</h2>\n<ol class=\"worst\">\n");
        for (int i : order.subList(0, shown)) {
            RunSummary.Layer layer = layers.get(i);
            page.append("<li><span class=\"swatch e")
                    .append(errorBand(layer.relativeError()))
                    .append("\">")
                    .append(escape(number(layer.relativeError())))
                    .append("</span><a href=\"#layer-")
                    .append(i)
                    .append("\">")
                    .append(escape(displayName(layer.name())))
                    .append("</a> \u2014 rank ")
                    .append(layer.rank())
                    .append(" of ")
                    .append(layer.spectrum().singularValues().length)
                    .append(", ")
                    .append(
                            escape(
                                    layer.policy().equals("amct")
                                            ? RankExplanation.brief(layer)
                                            : "policy " + layer.policy()))
                    .append(" (<a href=\"#spectrum-")
                    .append(i)
                    .append("\">spectrum</a>)</li>\n");
        }
        page.append("</ol>\n");
    }

    private static void layerTable(StringBuilder page, List<RunSummary.Layer> layers) {
        if (layers.isEmpty()) {
            return;
        }
        page.append("<h2 id=\"layers\">Decomposed layers</h2>\n")
                .append("<p class=\"muted\">Click a heading to sort; a layer's name leads to its")
                .append(" spectrum.</p>\n");
        errorLegend(page);
        page.append("<div class=\"scroll\">\n<table class=\"layers\" id=\"layer-table\">\n")
                .append("<thead><tr>")
                .append("<th class=\"n\">#</th><th>layer</th><th>mode</th>")
                .append("<th class=\"n\">rank</th><th class=\"n\">of n</th><th>rank from</th>")
                .append("<th>weight</th>")
                .append("<th class=\"n\">params before</th><th class=\"n\">after</th>")
                .append("<th class=\"n\">kept</th>")
                .append("<th class=\"n\">MACs/pixel before</th><th class=\"n\">after</th>")
                .append("<th class=\"n\">rel. error</th><th class=\"n\">seconds</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < layers.size(); i++) {
            RunSummary.Layer layer = layers.get(i);
            String weight =
                    List.of(
                                    layer.outChannels(),
                                    layer.inChannels(),
                                    layer.kernelSize().height(),
                                    layer.kernelSize().width())
                            .toString();
            int n = layer.spectrum().singularValues().length;
            page.append("<tr id=\"layer-").append(i).append("\">");
            numeric(page, Integer.toString(i + 1), i + 1);
            page.append("<td><a href=\"#spectrum-")
                    .append(i)
                    .append("\">")
                    .append(escape(displayName(layer.name())))
                    .append("</a></td><td>")
                    .append(escape(layer.mode()))
                    .append("</td>");
            numeric(page, Integer.toString(layer.rank()), layer.rank());
            numeric(page, Integer.toString(n), n);
            page.append("<td>")
                    .append(escape(RankExplanation.brief(layer)))
                    .append("</td><td>")
                    .append(weight)
                    .append("</td>");
            numeric(page, count(layer.paramsBefore()), layer.paramsBefore());
            numeric(page, count(layer.paramsAfter()), layer.paramsAfter());
            double kept =
                    layer.paramsBefore() == 0
                            ? 0
                            : (double) layer.paramsAfter() / layer.paramsBefore();
            numeric(page, percent(layer.paramsAfter(), layer.paramsBefore()), kept);
            numeric(page, count(layer.macsBefore()), layer.macsBefore());
            numeric(page, count(layer.macsAfter()), layer.macsAfter());
            page.append("<td class=\"n e")
                    .append(errorBand(layer.relativeError()))
                    .append("\" data-sort=\"")
                    .append(sortKey(layer.relativeError()))
                    .append("\">")
                    .append(escape(number(layer.relativeError())))
                    .append("</td>");
            numeric(page, String.format(Locale.ROOT, "%.3f", layer.seconds()), layer.seconds());
            page.append("</tr>\n");
        }
        page.append("</tbody>\n</table>\n</div>\n");
    }

    private static void numeric(StringBuilder page, String shown, double sortValue) {
        page.append("<td class=\"n\" data-sort=\"")
                .append(sortKey(sortValue))
                .append("\">")
                .append(escape(shown))
                .append("</td>");
    }

    /** A number JavaScript's parseFloat reads back; NaN sorts as the largest. */
    private static String sortKey(double value) {
        return Double.isNaN(value) ? "1e308" : Double.toString(value);
    }

    private static void cell(StringBuilder page, String value) {
        page.append("<td class=\"n\">").append(escape(value)).append("</td>");
    }

    private static void spectra(StringBuilder page, List<RunSummary.Layer> layers) {
        if (layers.isEmpty()) {
            return;
        }
        page.append("<h2 id=\"spectra\">Singular values and why each rank</h2>\n")
                .append("<p class=\"muted\">Each layer's unfolded weight matrix: its singular")
                .append(" values divided by the largest, on one log scale for every layer (1 down")
                .append(" to ")
                .append(number(SpectrumChart.FLOOR))
                .append(", smaller values drawn at the bottom), against their index. ")
                .append("<span style=\"color:#1a73e8\">\u25cf kept</span> ")
                .append("<span style=\"color:#9aa0a6\">\u25cf dropped</span> ")
                .append("<span style=\"color:#d93025\">- - VBMF threshold</span> ")
                .append("<span style=\"background:#f2c94c;opacity:0.6\">\u00a0clamp band")
                .append(" [L/(d+1), L/d]\u00a0</span> ")
                .append("<span style=\"color:#188038\">| chosen rank</span>. The line under")
                .append(" each chart says how the rank came about.</p>\n<div class=\"grid\">\n");
        for (int i = 0; i < layers.size(); i++) {
            RunSummary.Layer layer = layers.get(i);
            int n = layer.spectrum().singularValues().length;
            page.append("<figure id=\"spectrum-")
                    .append(i)
                    .append("\">\n<h3 title=\"")
                    .append(escape(displayName(layer.name())))
                    .append("\"><a href=\"#layer-")
                    .append(i)
                    .append("\">")
                    .append(escape(displayName(layer.name())))
                    .append("</a></h3>\n<p class=\"line\">")
                    .append(escape(layer.mode()))
                    .append(", rank ")
                    .append(layer.rank())
                    .append(" of ")
                    .append(n)
                    .append(", error <span class=\"swatch e")
                    .append(errorBand(layer.relativeError()))
                    .append("\">")
                    .append(escape(number(layer.relativeError())))
                    .append("</span></p>\n")
                    .append(SpectrumChart.svg(layer))
                    .append("\n<p class=\"why\">")
                    .append(escape(RankExplanation.full(layer)))
                    .append("</p>\n<figcaption>")
                    .append(escape(SpectrumChart.caption(layer)))
                    .append("</figcaption>\n</figure>\n");
        }
        page.append("</div>\n");
    }

    private static void skipped(StringBuilder page, RunSummary run) {
        page.append("<h2 id=\"skipped\">Layers left unchanged</h2>\n");
        if (run.skipped().isEmpty()) {
            page.append("<p>None: every Conv2d was decomposed.</p>\n");
            return;
        }
        Map<String, Integer> reasons = new LinkedHashMap<>();
        for (RunSummary.Skipped layer : run.skipped()) {
            reasons.merge(layer.reason(), 1, Integer::sum);
        }
        page.append("<ul class=\"reasons\">\n");
        reasons.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(
                        e ->
                                page.append("<li>")
                                        .append(e.getValue())
                                        .append(" \u00d7 ")
                                        .append(escape(e.getKey()))
                                        .append("</li>\n"));
        page.append("</ul>\n<details")
                .append(run.skipped().size() <= 12 ? " open=\"open\"" : "")
                .append("><summary>All ")
                .append(run.skipped().size())
                .append(" layers</summary>\n<table class=\"skipped\">\n<thead><tr><th>layer</th>")
                .append("<th>reason</th><th class=\"n\">params</th></tr></thead>\n<tbody>\n");
        for (RunSummary.Skipped layer : run.skipped()) {
            page.append("<tr><td>")
                    .append(escape(displayName(layer.name())))
                    .append("</td><td>")
                    .append(escape(layer.reason()))
                    .append("</td>");
            cell(
                    page,
                    layer.parameters().isPresent() ? count(layer.parameters().getAsLong()) : "-");
            page.append("</tr>\n");
        }
        page.append("</tbody>\n</table>\n</details>\n");
    }

    private static void overview(StringBuilder page, List<RunSummary.Layer> layers) {
        if (layers.isEmpty()) {
            return;
        }
        page.append("<h2 id=\"sizes\">Parameters and multiply-accumulates per layer</h2>\n")
                .append("<details")
                .append(layers.size() <= 12 ? " open=\"open\"" : "")
                .append("><summary>Bar charts: grey the original layer, blue its two new layers")
                .append(" with the share of the original</summary>\n<div class=\"charts\">\n")
                .append("<figure>\n")
                .append(
                        BarChart.svg(
                                "Parameters before and after",
                                layers,
                                RunSummary.Layer::paramsBefore,
                                RunSummary.Layer::paramsAfter))
                .append("\n<figcaption>Parameters (weights and bias)</figcaption>\n</figure>\n")
                .append("<figure>\n")
                .append(
                        BarChart.svg(
                                "Multiply-accumulates per output pixel before and after",
                                layers,
                                RunSummary.Layer::macsBefore,
                                RunSummary.Layer::macsAfter))
                .append("\n<figcaption>Multiply-accumulates per output pixel</figcaption>\n")
                .append("</figure>\n</div>\n</details>\n");
    }

    private static String displayName(String name) {
        return name.isEmpty() ? "(model)" : name;
    }
}
