package org.amct.cli.command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.amct.api.CompressionTarget;
import org.amct.api.LayerInspection;
import org.amct.api.LayerReport;
import org.amct.api.TargetReport;
import org.amct.api.graph.Size2d;

/** The tables the commands print. */
final class LayerTable {
    private LayerTable() {}

    /**
     * One row per decomposed layer.
     *
     * @param out where to print
     * @param layers the reports
     */
    static void decomposed(PrintWriter out, List<LayerReport> layers) {
        int width = nameWidth(layers.stream().map(LayerReport::name).toList());
        boolean policies = layers.stream().anyMatch(l -> !l.policy().equals("amct"));
        String format =
                "%-"
                        + width
                        + "s %-5s %5s %5s %5s %-7s %-7s %21s %9s %10s %8s"
                        + (policies ? "  %s" : "%s")
                        + "%n";
        out.printf(
                Locale.ROOT,
                format,
                "layer",
                "mode",
                "rank",
                "in",
                "out",
                "kernel",
                "stride",
                "params before->after",
                "rel error",
                "stored err",
                "seconds",
                policies ? "policy" : "");
        for (LayerReport layer : layers) {
            out.printf(
                    Locale.ROOT,
                    format,
                    layer.name(),
                    layer.mode(),
                    layer.rank(),
                    layer.inChannels(),
                    layer.outChannels(),
                    size(layer.kernelSize()),
                    size(layer.stride()),
                    String.format(
                            Locale.ROOT, "%,d->%,d", layer.paramsBefore(), layer.paramsAfter()),
                    String.format(Locale.ROOT, "%.3e", layer.relativeError()),
                    String.format(Locale.ROOT, "%.3e", layer.storedRelativeError()),
                    String.format(Locale.ROOT, "%.3f", layer.seconds()),
                    policies ? layer.policy() : "");
        }
        for (LayerReport layer : layers) {
            if (layer.clampedElements() > 0) {
                out.printf(
                        Locale.ROOT,
                        "Warning: layer '%s': %,d elements of its new weights were beyond the"
                                + " range of its dtype and were clamped to it (stored error %.3e,"
                                + " float64 error %.3e)%n",
                        layer.name(),
                        layer.clampedElements(),
                        layer.storedRelativeError(),
                        layer.relativeError());
            }
        }
    }

    /**
     * How a target was met.
     *
     * @param out where to print
     * @param target the target report
     */
    static void target(PrintWriter out, TargetReport target) {
        out.printf(
                Locale.ROOT,
                "Target %s%s: %s %,d -> %,d (%.2f%%; at most %,d allowed)%n",
                target.target(),
                target.spectra() == TargetReport.Spectra.WEIGHTS
                        ? ""
                        : " (allocated on the " + target.spectra() + " spectra)",
                target.target().measure() == CompressionTarget.Measure.PARAMS
                        ? "Conv2d parameters"
                        : "Conv2d MACs per inference",
                target.before(),
                target.after(),
                100.0 * target.achieved(),
                target.limit());
    }

    /**
     * The totals of an inspection with ranks: parameters and MACs per inference, before and after.
     *
     * @param out where to print
     * @param layers the inspections
     * @param target the target asked for, if any
     */
    static void inspectedTotals(
            PrintWriter out, List<LayerInspection> layers, Optional<CompressionTarget> target) {
        long paramsBefore = layers.stream().mapToLong(LayerInspection::paramsBefore).sum();
        long paramsAfter =
                layers.stream().mapToLong(l -> l.paramsAfter().orElse(l.paramsBefore())).sum();
        out.printf(
                Locale.ROOT,
                "Conv2d parameters %,d -> %,d (%.2f%%)",
                paramsBefore,
                paramsAfter,
                100.0 * paramsAfter / Math.max(1, paramsBefore));
        boolean macs = layers.stream().allMatch(l -> l.macsBefore().isPresent());
        if (macs) {
            long before = layers.stream().mapToLong(l -> l.macsBefore().getAsLong()).sum();
            long after = layers.stream().mapToLong(l -> l.macsAfter().getAsLong()).sum();
            out.printf(
                    Locale.ROOT,
                    "; MACs per inference %,d -> %,d (%.2f%%)",
                    before,
                    after,
                    100.0 * after / Math.max(1, before));
        } else {
            out.print("; MACs per inference unknown (input sizes not inferred)");
        }
        target.ifPresent(t -> out.print("; target " + t));
        out.println();
    }

    /**
     * One row per Conv2d, eligible or not.
     *
     * @param out where to print
     * @param layers the inspections
     * @param withRanks whether to show the rank column
     */
    static void inspected(PrintWriter out, List<LayerInspection> layers, boolean withRanks) {
        int width = nameWidth(layers.stream().map(LayerInspection::name).toList());
        String format =
                "%-"
                        + width
                        + "s %5s %5s %-7s %-7s %6s %-8s %-5s"
                        + (withRanks ? " %5s %-18s %23s %29s" : "%s%s%s%s")
                        + "  %s%n";
        out.printf(
                Locale.ROOT,
                format,
                "layer",
                "in",
                "out",
                "kernel",
                "stride",
                "groups",
                "eligible",
                "mode",
                withRanks ? "rank" : "",
                withRanks ? "policy" : "",
                withRanks ? "params before->after" : "",
                withRanks ? "MACs before->after" : "",
                "reason");
        for (LayerInspection layer : layers) {
            out.printf(
                    Locale.ROOT,
                    format,
                    layer.name(),
                    layer.inChannels(),
                    layer.outChannels(),
                    size(layer.kernelSize()),
                    size(layer.stride()),
                    layer.groups(),
                    layer.eligible() ? "yes" : "no",
                    layer.mode().orElse("-"),
                    withRanks
                            ? (layer.rank().isPresent()
                                    ? Integer.toString(layer.rank().getAsInt())
                                    : "-")
                            : "",
                    withRanks ? layer.policy().orElse("-") : "",
                    withRanks
                            ? String.format(
                                    Locale.ROOT,
                                    "%,d->%,d",
                                    layer.paramsBefore(),
                                    layer.paramsAfter().orElse(layer.paramsBefore()))
                            : "",
                    withRanks
                            ? (layer.macsBefore().isPresent()
                                    ? String.format(
                                            Locale.ROOT,
                                            "%,d->%,d",
                                            layer.macsBefore().getAsLong(),
                                            layer.macsAfter().getAsLong())
                                    : "-")
                            : "",
                    layer.reason().orElse(""));
        }
    }

    private static int nameWidth(List<String> names) {
        return Math.max(5, names.stream().mapToInt(String::length).max().orElse(0));
    }

    static String size(Size2d size) {
        return size.height() + "x" + size.width();
    }
}
