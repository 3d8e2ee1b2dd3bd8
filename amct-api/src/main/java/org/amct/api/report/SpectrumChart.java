package org.amct.api.report;

import static org.amct.api.report.HtmlStrings.coordinate;
import static org.amct.api.report.HtmlStrings.escape;
import static org.amct.api.report.HtmlStrings.number;

import java.util.SortedSet;
import java.util.TreeSet;
import org.amct.api.LayerReport;
import org.amct.api.Spectrum;

/**
 * One layer's singular values as an inline SVG: the values on a log scale against their index, the
 * kept ones (up to the rank) in colour, the VBMF threshold as a dashed line, the clamp band {@code
 * [L/(d+1), L/d]} shaded and the chosen rank as a vertical line. Zeros and values below {@link
 * #DYNAMIC_RANGE} times the largest are drawn at that floor; a threshold that is NaN (the rule fell
 * back to full rank) or not positive is not drawn, and the caption says why.
 */
final class SpectrumChart {
    /** Values below this fraction of the largest are drawn at the floor (float64 noise). */
    static final double DYNAMIC_RANGE = 1e-16;

    private static final int WIDTH = 560;
    private static final int HEIGHT = 280;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 34;
    private static final int BOTTOM = 44;
    private static final int MARKERS_UP_TO = 64;

    private final LayerReport layer;
    private final double[] values;
    private final double floor;
    private final double logLow;
    private final double logHigh;
    private final boolean drawsThreshold;

    private SpectrumChart(LayerReport layer) {
        this.layer = layer;
        Spectrum spectrum = layer.spectrum();
        this.values = spectrum.singularValues();
        double largest = 0;
        double smallestPositive = Double.POSITIVE_INFINITY;
        for (double v : values) {
            if (v > 0 && Double.isFinite(v)) {
                largest = Math.max(largest, v);
                smallestPositive = Math.min(smallestPositive, v);
            }
        }
        this.floor = Math.max(smallestPositive, largest * DYNAMIC_RANGE);
        double threshold = spectrum.threshold();
        this.drawsThreshold =
                largest > 0
                        && Double.isFinite(threshold)
                        && threshold > 0
                        && threshold >= floor
                        && threshold <= largest * 1e3;
        double top = drawsThreshold ? Math.max(largest, threshold) : largest;
        double bottom = drawsThreshold ? Math.min(floor, threshold) : floor;
        double low = Math.floor(Math.log10(bottom));
        double high = Math.ceil(Math.log10(top));
        if (high <= low) {
            high = low + 1;
        }
        this.logLow = low;
        this.logHigh = high;
    }

    /**
     * The SVG of one layer's spectrum.
     *
     * @param layer the layer's report
     * @return an {@code <svg>} element with class {@code spectrum}
     */
    static String svg(LayerReport layer) {
        StringBuilder out = new StringBuilder(8192);
        out.append("<svg class=\"spectrum\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" role=\"img\">\n<title>")
                .append(escape("Singular values of layer " + layer.name()))
                .append("</title>\n");
        double[] values = layer.spectrum().singularValues();
        boolean anyPositive = false;
        for (double v : values) {
            anyPositive |= v > 0 && Double.isFinite(v);
        }
        if (!anyPositive) {
            out.append("<text x=\"")
                    .append(WIDTH / 2)
                    .append("\" y=\"")
                    .append(HEIGHT / 2)
                    .append("\" text-anchor=\"middle\">")
                    .append("All singular values are zero: nothing to plot on a log scale.")
                    .append("</text>\n</svg>");
            return out.toString();
        }
        new SpectrumChart(layer).draw(out);
        return out.append("</svg>").toString();
    }

    /**
     * The caption under the chart: what is drawn and what could not be.
     *
     * @param layer the layer's report
     * @return plain text, not escaped
     */
    static String caption(LayerReport layer) {
        Spectrum spectrum = layer.spectrum();
        double[] values = spectrum.singularValues();
        StringBuilder text = new StringBuilder();
        text.append(values.length)
                .append(" singular values; rank ")
                .append(layer.rank())
                .append(" keeps the first ")
                .append(layer.rank())
                .append(". ");
        double threshold = spectrum.threshold();
        if (Double.isNaN(threshold) || spectrum.vbmfRank() < 0) {
            text.append("No VBMF threshold: the rule met invalid numbers and fell back to rank ")
                    .append(values.length)
                    .append(". ");
        } else {
            text.append("VBMF threshold ")
                    .append(number(threshold))
                    .append(" (")
                    .append(spectrum.vbmfRank())
                    .append(" values above it)");
            text.append(threshold > 0 ? ". " : ", not drawn on a log scale. ");
        }
        text.append("Clamp band [")
                .append(spectrum.clampLow())
                .append(", ")
                .append(spectrum.clampHigh())
                .append("].");
        if (values.length > 0) {
            double largest = values[0];
            long clipped = 0;
            for (double v : values) {
                if (!(v > largest * DYNAMIC_RANGE)) {
                    clipped++;
                }
            }
            if (clipped > 0) {
                text.append(' ')
                        .append(clipped)
                        .append(clipped == 1 ? " value" : " values")
                        .append(" at or below ")
                        .append(number(DYNAMIC_RANGE))
                        .append(" times the largest (zeros included) drawn at the floor.");
            }
        }
        return text.toString();
    }

    private void draw(StringBuilder out) {
        Spectrum spectrum = layer.spectrum();
        int n = values.length;
        int rank = Math.min(layer.rank(), n);
        double plotBottom = HEIGHT - BOTTOM;
        // Clamp band, shaded behind everything else.
        double bandLeft = boundaryX(Math.min(spectrum.clampLow(), n), n);
        double bandRight = boundaryX(Math.min(spectrum.clampHigh(), n), n);
        out.append("<rect class=\"band\" x=\"")
                .append(coordinate(bandLeft))
                .append("\" y=\"")
                .append(TOP)
                .append("\" width=\"")
                .append(coordinate(Math.max(1.5, bandRight - bandLeft)))
                .append("\" height=\"")
                .append(HEIGHT - TOP - BOTTOM)
                .append("\" fill=\"#f2c94c\" fill-opacity=\"0.35\"/>\n");
        axes(out, n);
        // The curve: all values in grey, the kept ones over them in blue.
        polyline(out, 0, n, "#9aa0a6");
        polyline(out, 0, rank, "#1a73e8");
        if (n <= MARKERS_UP_TO) {
            for (int i = 0; i < n; i++) {
                out.append("<circle cx=\"")
                        .append(coordinate(indexX(i, n)))
                        .append("\" cy=\"")
                        .append(coordinate(valueY(values[i])))
                        .append("\" r=\"2.5\" fill=\"")
                        .append(i < rank ? "#1a73e8" : "#9aa0a6")
                        .append("\"/>\n");
            }
        }
        if (drawsThreshold) {
            double y = valueY(spectrum.threshold());
            out.append("<line class=\"threshold\" x1=\"")
                    .append(LEFT)
                    .append("\" x2=\"")
                    .append(WIDTH - RIGHT)
                    .append("\" y1=\"")
                    .append(coordinate(y))
                    .append("\" y2=\"")
                    .append(coordinate(y))
                    .append(
                            "\" stroke=\"#d93025\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n");
        }
        double rankX = boundaryX(rank, n);
        out.append("<line class=\"rank\" x1=\"")
                .append(coordinate(rankX))
                .append("\" x2=\"")
                .append(coordinate(rankX))
                .append("\" y1=\"")
                .append(TOP)
                .append("\" y2=\"")
                .append(coordinate(plotBottom))
                .append("\" stroke=\"#188038\" stroke-width=\"2\"/>\n");
        boolean labelLeft = rankX > WIDTH - RIGHT - 80;
        out.append("<text x=\"")
                .append(coordinate(rankX + (labelLeft ? -4 : 4)))
                .append("\" y=\"")
                .append(coordinate(plotBottom - 6))
                .append("\" fill=\"#188038\" text-anchor=\"")
                .append(labelLeft ? "end" : "start")
                .append("\">rank ")
                .append(rank)
                .append("</text>\n");
        legend(out);
    }

    private void axes(StringBuilder out, int n) {
        double plotBottom = HEIGHT - BOTTOM;
        out.append("<g class=\"axes\" font-size=\"11\" fill=\"#3c4043\">\n");
        int decadeStep = (int) Math.max(1, Math.ceil((logHigh - logLow) / 8));
        for (double e = logLow; e <= logHigh + 1e-9; e += decadeStep) {
            double y = logY(e);
            out.append("<line x1=\"")
                    .append(LEFT)
                    .append("\" x2=\"")
                    .append(WIDTH - RIGHT)
                    .append("\" y1=\"")
                    .append(coordinate(y))
                    .append("\" y2=\"")
                    .append(coordinate(y))
                    .append("\" stroke=\"#e0e0e0\"/>\n<text x=\"")
                    .append(LEFT - 6)
                    .append("\" y=\"")
                    .append(coordinate(y + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(decadeLabel((int) e))
                    .append("</text>\n");
        }
        int step = niceStep(n);
        SortedSet<Integer> ticks = new TreeSet<>();
        ticks.add(1);
        for (int i = step; i <= n; i += step) {
            ticks.add(i);
        }
        if (n - ticks.last() > step / 2) {
            ticks.add(n);
        }
        for (int index : ticks) {
            tickX(out, index, n, plotBottom);
        }
        out.append("<rect x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(TOP)
                .append("\" width=\"")
                .append(WIDTH - LEFT - RIGHT)
                .append("\" height=\"")
                .append(HEIGHT - TOP - BOTTOM)
                .append("\" fill=\"none\" stroke=\"#5f6368\"/>\n<text x=\"")
                .append(LEFT + (WIDTH - LEFT - RIGHT) / 2)
                .append("\" y=\"")
                .append(HEIGHT - 6)
                .append("\" text-anchor=\"middle\">index of the singular value</text>\n")
                .append("<text transform=\"rotate(-90)\" x=\"")
                .append(-(TOP + (HEIGHT - TOP - BOTTOM) / 2))
                .append("\" y=\"14\" text-anchor=\"middle\">singular value (log scale)</text>\n")
                .append("</g>\n");
    }

    private void tickX(StringBuilder out, int index, int n, double plotBottom) {
        double x = indexX(index - 1, n);
        out.append("<line x1=\"")
                .append(coordinate(x))
                .append("\" x2=\"")
                .append(coordinate(x))
                .append("\" y1=\"")
                .append(coordinate(plotBottom))
                .append("\" y2=\"")
                .append(coordinate(plotBottom + 4))
                .append("\" stroke=\"#5f6368\"/>\n<text x=\"")
                .append(coordinate(x))
                .append("\" y=\"")
                .append(coordinate(plotBottom + 16))
                .append("\" text-anchor=\"middle\">")
                .append(index)
                .append("</text>\n");
    }

    private void legend(StringBuilder out) {
        out.append("<g class=\"legend\" font-size=\"11\" fill=\"#3c4043\">\n");
        String line = "<line x1=\"0\" x2=\"18\" y1=\"0\" y2=\"0\" stroke-width=\"2\" stroke=\"";
        int x = LEFT;
        x = legendItem(out, x, line + "#1a73e8\"/>", "kept");
        x = legendItem(out, x, line + "#9aa0a6\"/>", "dropped");
        if (drawsThreshold) {
            x = legendItem(out, x, line + "#d93025\" stroke-dasharray=\"6 4\"/>", "VBMF threshold");
        }
        String band = "<rect x=\"0\" y=\"-6\" width=\"18\" height=\"12\" fill=\"#f2c94c\"";
        x = legendItem(out, x, band + " fill-opacity=\"0.35\"/>", "clamp band");
        String rank = "<line x1=\"9\" x2=\"9\" y1=\"-7\" y2=\"7\" stroke-width=\"2\"";
        legendItem(out, x, rank + " stroke=\"#188038\"/>", "chosen rank");
        out.append("</g>\n");
    }

    /** One legend entry at {@code x}; returns where the next one starts. */
    private static int legendItem(StringBuilder out, int x, String swatch, String label) {
        out.append("<g transform=\"translate(")
                .append(x)
                .append(",14)\">")
                .append(swatch)
                .append("<text x=\"23\" y=\"4\">")
                .append(label)
                .append("</text></g>\n");
        return x + 23 + (int) Math.ceil(label.length() * 6.5) + 16;
    }

    private void polyline(StringBuilder out, int from, int to, String colour) {
        if (to - from < 2) {
            return;
        }
        out.append("<polyline fill=\"none\" stroke=\"")
                .append(colour)
                .append("\" stroke-width=\"1.5\" points=\"");
        int n = values.length;
        for (int i = from; i < to; i++) {
            if (i > from) {
                out.append(' ');
            }
            out.append(coordinate(indexX(i, n))).append(',').append(coordinate(valueY(values[i])));
        }
        out.append("\"/>\n");
    }

    /** The x of the {@code i}-th value (0-based), at the middle of its slot. */
    private static double indexX(int i, int n) {
        return LEFT + (i + 0.5) / n * (WIDTH - LEFT - RIGHT);
    }

    /** The x of the boundary after the first {@code count} values. */
    private static double boundaryX(int count, int n) {
        return LEFT + (double) count / n * (WIDTH - LEFT - RIGHT);
    }

    private double valueY(double value) {
        double clipped = value > floor && Double.isFinite(value) ? value : floor;
        return logY(Math.log10(clipped));
    }

    private double logY(double log) {
        double fraction = (log - logLow) / (logHigh - logLow);
        return HEIGHT - BOTTOM - fraction * (HEIGHT - TOP - BOTTOM);
    }

    private static String decadeLabel(int exponent) {
        if (exponent >= -3 && exponent <= 4) {
            return number(Math.pow(10, exponent));
        }
        return "1e" + exponent;
    }

    /** A tick spacing of 1, 2 or 5 times a power of ten giving at most about 8 ticks. */
    private static int niceStep(int n) {
        double raw = Math.max(1, n / 8.0);
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (int factor : new int[] {1, 2, 5, 10}) {
            if (factor * power >= raw) {
                return (int) Math.max(1, factor * power);
            }
        }
        return (int) (10 * power);
    }
}
