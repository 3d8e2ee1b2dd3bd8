package org.amct.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.amct.calibration.CosineSearchReport;
import org.amct.calibration.RefinementReport;

/**
 * Prints the end-to-end refinement and the target-cosine search of {@code decompose}, and adds them
 * to {@code report.json} ({@code "refinement"}, {@code "target_cosine"}).
 */
final class CalibrationOutput {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CalibrationOutput() {}

    static void print(
            PrintWriter out,
            Optional<RefinementReport> refinement,
            Optional<CosineSearchReport> search) {
        refinement.ifPresent(
                r ->
                        out.printf(
                                Locale.ROOT,
                                "Refinement (end to end, %s on %d samples; per-layer points on"
                                        + " %d): start allocation %.6f, refined %.6f: %s kept;"
                                        + " %d models scored in %.1f s%n",
                                r.score(),
                                r.samples(),
                                r.curveSamples(),
                                r.startScore(),
                                r.refinedScore(),
                                r.refinedKept() ? "refined" : "start",
                                r.evaluations(),
                                r.seconds()));
        search.ifPresent(
                s ->
                        out.printf(
                                Locale.ROOT,
                                "Target cosine %s: budget %.4f of the Conv2d %s (%.1f%% kept),"
                                        + " mean cosine %.6f on %d calibration samples; %d"
                                        + " budgets tried in %.1f s%n",
                                s.targetCosine(),
                                s.fraction(),
                                s.measure().name().toLowerCase(Locale.ROOT),
                                100 * s.achieved(),
                                s.cosine(),
                                s.samples(),
                                s.tried().size(),
                                s.seconds()));
        out.flush();
    }

    /**
     * Adds {@code "refinement"} and {@code "target_cosine"} to a {@code report.json}, where
     * measured.
     *
     * @param report the report's bytes
     * @param refinement the refinement, when it ran
     * @param search the search, when asked for
     * @return the new bytes (the same when neither ran)
     */
    static byte[] addToReport(
            byte[] report,
            Optional<RefinementReport> refinement,
            Optional<CosineSearchReport> search)
            throws IOException {
        if (refinement.isEmpty() && search.isEmpty()) {
            return report;
        }
        ObjectNode root = (ObjectNode) MAPPER.readTree(report);
        refinement.ifPresent(r -> refinement(root.putObject("refinement"), r));
        search.ifPresent(s -> search(root.putObject("target_cosine"), s));
        return MAPPER.writeValueAsBytes(root);
    }

    private static void refinement(ObjectNode node, RefinementReport r) {
        node.put("score", r.score());
        node.put("start_score", r.startScore());
        node.put("refined_score", r.refinedScore());
        node.put("kept", r.refinedKept() ? "refined" : "start");
        ranks(node.putObject("start_ranks"), r.startRanks());
        ranks(node.putObject("refined_ranks"), r.refinedRanks());
        node.put("samples", r.samples());
        node.put("curve_samples", r.curveSamples());
        node.put("evaluations", r.evaluations());
        node.put("seconds", r.seconds());
        ArrayNode curves = node.putArray("curves");
        for (RefinementReport.LayerCurve curve : r.curves()) {
            ObjectNode c = curves.addObject();
            c.put("layer", curve.layer());
            c.put("start_rank", curve.startRank());
            ArrayNode points = c.putArray("points");
            for (RefinementReport.Point p : curve.points()) {
                points.addObject().put("rank", p.rank()).put("score", p.score());
            }
        }
    }

    private static void ranks(ObjectNode node, Map<String, Integer> ranks) {
        ranks.forEach(node::put);
    }

    private static void search(ObjectNode node, CosineSearchReport s) {
        node.put("target", s.targetCosine());
        node.put("measure", s.measure().name().toLowerCase(Locale.ROOT));
        node.put("fraction", s.fraction());
        node.put("achieved", s.achieved());
        node.put("cosine", s.cosine());
        node.put("samples", s.samples());
        node.put("seconds", s.seconds());
        ArrayNode tried = node.putArray("tried");
        for (CosineSearchReport.Trial t : s.tried()) {
            ObjectNode entry = tried.addObject();
            entry.put("fraction", t.fraction());
            number(entry, "achieved", t.achieved());
            number(entry, "cosine", t.cosine());
            entry.put("meets", t.meets());
        }
    }

    /** A number, or null for NaN (a budget that could not be met): JSON has no NaN. */
    private static void number(ObjectNode node, String name, double value) {
        if (Double.isNaN(value)) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }
}
