package org.amct.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.amct.calibration.FidelityReport;
import org.amct.calibration.InferenceTiming;
import org.amct.calibration.OutputFidelity;

/** Prints a {@link FidelityReport} as a table and writes it as JSON ({@code report.json}). */
final class FidelityOutput {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FidelityOutput() {}

    static void print(PrintWriter out, FidelityReport report) {
        out.printf(
                Locale.ROOT,
                "Fidelity on %d samples (ONNX Runtime):%n  %-24s %11s %11s %11s %11s %8s%n",
                report.samples(),
                "output",
                "mean cos",
                "min cos",
                "rel L2",
                "max |diff|",
                "top-1");
        for (OutputFidelity o : report.outputs()) {
            out.printf(
                    Locale.ROOT,
                    "  %-24s %11.6f %11.6f %11.6f %11.4g %8s%n",
                    o.name(),
                    o.meanCosine(),
                    o.minCosine(),
                    o.meanRelativeL2(),
                    o.maxAbsDifference(),
                    o.top1Agreement().isPresent()
                            ? String.format(
                                    Locale.ROOT, "%.1f%%", 100 * o.top1Agreement().getAsDouble())
                            : "-");
        }
        InferenceTiming t = report.timing();
        out.printf(
                Locale.ROOT,
                "Inference, median of %d runs of a batch of %d: original %.2f ms, decomposed %.2f"
                        + " ms (%.2fx)%n",
                t.runs(),
                t.batchSize(),
                t.originalMillis(),
                t.decomposedMillis(),
                t.speedup());
    }

    /**
     * The report as a JSON object.
     *
     * @param node the object to fill
     * @param report the report
     * @param minCosine the threshold checked, or NaN when none
     */
    static void json(ObjectNode node, FidelityReport report, double minCosine) {
        node.put("samples", report.samples());
        ArrayNode outputs = node.putArray("outputs");
        for (OutputFidelity o : report.outputs()) {
            ObjectNode entry = outputs.addObject();
            entry.put("name", o.name());
            entry.put("mean_cosine", o.meanCosine());
            entry.put("min_cosine", o.minCosine());
            entry.put("mean_rel_l2", o.meanRelativeL2());
            entry.put("max_rel_l2", o.maxRelativeL2());
            entry.put("max_abs_diff", o.maxAbsDifference());
            if (o.top1Agreement().isPresent()) {
                entry.put("top1_agreement", o.top1Agreement().getAsDouble());
            } else {
                entry.putNull("top1_agreement");
            }
        }
        InferenceTiming t = report.timing();
        ObjectNode timing = node.putObject("inference");
        timing.put("engine", "onnxruntime");
        timing.put("batch_size", t.batchSize());
        timing.put("runs", t.runs());
        timing.put("threads", t.threads());
        timing.put("original_ms", t.originalMillis());
        timing.put("decomposed_ms", t.decomposedMillis());
        timing.put("speedup", t.speedup());
        if (Double.isNaN(minCosine)) {
            node.putNull("min_cosine");
        } else {
            node.put("min_cosine", minCosine);
            node.put("passed", report.worstMeanCosine() >= minCosine);
        }
    }

    /**
     * Adds {@code "factors"} (weight-space or data-aware), with data-aware factors their {@code
     * "damping"}, and, when measured, {@code "fidelity"} to a {@code report.json}.
     *
     * @param report the report's bytes
     * @param fidelity the comparison, or null when none was made
     * @param minCosine the threshold checked, or NaN
     * @param dataAware whether the factors were data-aware
     * @param damping the damping of the moments, with data-aware factors
     * @return the new bytes
     */
    static byte[] addToReport(
            byte[] report,
            FidelityReport fidelity,
            double minCosine,
            boolean dataAware,
            double damping)
            throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(report);
        root.put("factors", dataAware ? "data-aware" : "weight-space");
        if (dataAware) {
            root.put("damping", damping);
        }
        if (fidelity != null) {
            json(root.putObject("fidelity"), fidelity, minCosine);
        }
        return MAPPER.writeValueAsBytes(root);
    }

    /**
     * Adds a fidelity section to {@code report.html}, before the end of its body.
     *
     * @param html the staged report
     * @param report the comparison
     */
    static void addToHtml(Path html, FidelityReport report) throws IOException {
        String page = Files.readString(html, StandardCharsets.UTF_8);
        StringBuilder section = new StringBuilder();
        section.append("<h2>Fidelity in ONNX Runtime</h2>\n<p>")
                .append(report.samples())
                .append(" samples; per output, the decomposed model against the original.</p>\n")
                .append("<table>\n<tr><th>output</th><th>mean cosine</th><th>min cosine</th>")
                .append(
                        "<th>mean relative L2</th><th>max |diff|</th><th>top-1 agreement</th></tr>\n");
        for (OutputFidelity o : report.outputs()) {
            section.append(
                    String.format(
                            Locale.ROOT,
                            "<tr><td>%s</td><td>%.6f</td><td>%.6f</td><td>%.6f</td><td>%.4g</td>"
                                    + "<td>%s</td></tr>%n",
                            escape(o.name()),
                            o.meanCosine(),
                            o.minCosine(),
                            o.meanRelativeL2(),
                            o.maxAbsDifference(),
                            o.top1Agreement().isPresent()
                                    ? String.format(
                                            Locale.ROOT,
                                            "%.1f%%",
                                            100 * o.top1Agreement().getAsDouble())
                                    : "-"));
        }
        InferenceTiming t = report.timing();
        section.append("</table>\n")
                .append(
                        String.format(
                                Locale.ROOT,
                                "<p>Inference (median of %d runs, batch %d): original %.2f ms,"
                                        + " decomposed %.2f ms (%.2fx).</p>%n",
                                t.runs(),
                                t.batchSize(),
                                t.originalMillis(),
                                t.decomposedMillis(),
                                t.speedup()));
        int end = page.lastIndexOf("</body>");
        if (end < 0) {
            throw new IllegalStateException("report.html has no </body>: " + html);
        }
        String updated = page.substring(0, end) + section + page.substring(end);
        Files.writeString(html, updated, StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    /** The exit code for a report and an optional threshold, saying why on {@code err}. */
    static ExitCode check(FidelityReport report, double minCosine, PrintWriter err) {
        if (Double.isNaN(minCosine) || report.worstMeanCosine() >= minCosine) {
            return ExitCode.SUCCESS;
        }
        for (OutputFidelity o : report.outputs()) {
            if (o.meanCosine() < minCosine) {
                err.printf(
                        Locale.ROOT,
                        "amct: output '%s': mean cosine %.6f is below --min-cosine %s%n",
                        o.name(),
                        o.meanCosine(),
                        minCosine);
            }
        }
        err.flush();
        return ExitCode.BELOW_MIN_COSINE;
    }
}
