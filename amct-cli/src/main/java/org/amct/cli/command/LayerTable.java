package org.amct.cli.command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.amct.api.LayerInspection;
import org.amct.api.LayerReport;
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
        String format = "%-" + width + "s %-5s %5s %5s %5s %-7s %-7s %21s %9s %10s %8s%n";
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
                "seconds");
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
                    String.format(Locale.ROOT, "%.3f", layer.seconds()));
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
                        + (withRanks ? " %5s" : "%s")
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
