package org.amct.api.report;

import static org.amct.api.report.HtmlStrings.coordinate;
import static org.amct.api.report.HtmlStrings.escape;
import static org.amct.api.report.HtmlStrings.number;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One layer's singular values as a small inline SVG on the scale every layer shares: each value
 * divided by the layer's largest, on a log scale from 1 down to {@link #FLOOR} (smaller values and
 * zeros are drawn at the floor), against the index. The kept ones (up to the rank) are in colour,
 * the VBMF threshold (divided by the same largest value) is a dashed line, the clamp band {@code
 * [L/(d+1), L/d]} is shaded and the chosen rank is a vertical line. A threshold that is NaN (the
 * rule fell back to full rank), not positive or off the scale is not drawn, and the caption says
 * so. Because the y range is the same for every layer, two charts can be compared at a glance.
 */
final class SpectrumChart {
    /** The bottom of the shared scale: values below this fraction of the largest are drawn here. */
    static final double FLOOR = 1e-4;

    private static final int WIDTH = 280;
    private static final int HEIGHT = 150;
    private static final int LEFT = 40;
    private static final int RIGHT = 8;
    private static final int TOP = 8;
    private static final int BOTTOM = 24;
    private static final int MARKERS_UP_TO = 64;
    private static final double LOG_LOW = Math.log10(FLOOR);
    private static final double LOG_HIGH = 0;

    private final RunSummary.Layer layer;
    private final double[] values;
    private final double largest;
    private final boolean drawsThreshold;

    private SpectrumChart(RunSummary.Layer layer) {
        this.layer = layer;
        RunSummary.Marks spectrum = layer.spectrum();
        this.values = spectrum.singularValues();
        this.largest = largest(values);
        double relative = spectrum.threshold() / largest;
        this.drawsThreshold = Double.isFinite(relative) && relative >= FLOOR && relative <= 1;
    }

    private static double largest(double[] values) {
        double largest = 0;
        for (double v : values) {
            if (v > 0 && Double.isFinite(v)) {
                largest = Math.max(largest, v);
            }
        }
        return largest;
    }

    /**
     * The SVG of one layer's spectrum.
     *
     * @param layer the layer's report
     * @return an {@code <svg>} element with class {@code spectrum}
     */
    static String svg(RunSummary.Layer layer) {
        StringBuilder out = new StringBuilder(4096);
        out.append("<svg class=\"spectrum\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" role=\"img\" font-size=\"10\" fill=\"#3c4043\">\n<title>")
                .append(escape("Singular values of layer " + layer.name() + " over the largest"))
                .append("</title>\n");
        double[] values = layer.spectrum().singularValues();
        if (largest(values) == 0) {
            out.append("<text x=\"")
                    .append(WIDTH / 2)
                    .append("\" y=\"")
                    .append(HEIGHT / 2)
                    .append("\" text-anchor=\"middle\">")
                    .append("All singular values are zero: nothing to plot.")
                    .append("</text>\n</svg>");
            return out.toString();
        }
        new SpectrumChart(layer).draw(out);
        return out.append("</svg>").toString();
    }

    /**
     * The caption under the chart: the numbers behind the marks and what could not be drawn.
     *
     * @param layer the layer's report
     * @return plain text, not escaped
     */
    static String caption(RunSummary.Layer layer) {
        RunSummary.Marks spectrum = layer.spectrum();
        double[] values = spectrum.singularValues();
        double largest = largest(values);
        StringBuilder text = new StringBuilder();
        text.append(values.length)
                .append(
                        spectrum.whitened()
                                ? " singular values of the whitened unfolding (calibration data),"
                                        + " largest "
                                : " singular values, largest ")
                .append(number(largest));
        double threshold = spectrum.threshold();
        if (Double.isNaN(threshold) || spectrum.vbmfRank() < 0) {
            text.append("; no VBMF threshold (invalid numbers)");
        } else if (threshold > 0 && largest > 0) {
            double relative = threshold / largest;
            text.append("; VBMF threshold ").append(number(relative)).append(" of the largest");
            if (relative > 1) {
                text.append(", above every value (not drawn)");
            } else if (relative < FLOOR) {
                text.append(", below the floor (not drawn)");
            }
        } else {
            text.append("; VBMF threshold ").append(number(threshold)).append(" (not drawn)");
        }
        long clipped = 0;
        for (double v : values) {
            if (!(v >= largest * FLOOR) || largest == 0) {
                clipped++;
            }
        }
        if (clipped > 0) {
            text.append("; ")
                    .append(clipped)
                    .append(clipped == 1 ? " value" : " values")
                    .append(" under ")
                    .append(number(FLOOR))
                    .append(" of the largest (zeros included) drawn at the floor");
        }
        return text.append('.').toString();
    }

    private void draw(StringBuilder out) {
        RunSummary.Marks spectrum = layer.spectrum();
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
                        .append("\" r=\"2\" fill=\"")
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
                            "\" stroke=\"#d93025\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/>\n");
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
        boolean labelLeft = rankX > WIDTH - RIGHT - 50;
        out.append("<text x=\"")
                .append(coordinate(rankX + (labelLeft ? -3 : 3)))
                .append("\" y=\"")
                .append(TOP + 10)
                .append("\" fill=\"#188038\" text-anchor=\"")
                .append(labelLeft ? "end" : "start")
                .append("\">r = ")
                .append(rank)
                .append("</text>\n");
    }

    private void axes(StringBuilder out, int n) {
        double plotBottom = HEIGHT - BOTTOM;
        out.append("<g class=\"axes\">\n");
        for (int e = (int) LOG_HIGH; e >= (int) LOG_LOW; e--) {
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
                    .append(LEFT - 4)
                    .append("\" y=\"")
                    .append(coordinate(y + 3))
                    .append("\" text-anchor=\"end\">")
                    .append(e == 0 ? "1" : e >= -2 ? number(Math.pow(10, e)) : "1e" + e)
                    .append("</text>\n");
        }
        SortedSet<Integer> ticks = new TreeSet<>();
        ticks.add(1);
        ticks.add(n);
        if (n >= 8) {
            ticks.add(Math.max(2, n / 2));
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
                .append("\" fill=\"none\" stroke=\"#5f6368\"/>\n</g>\n");
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
                .append(coordinate(plotBottom + 3))
                .append("\" stroke=\"#5f6368\"/>\n<text x=\"")
                .append(coordinate(x))
                .append("\" y=\"")
                .append(coordinate(plotBottom + 13))
                .append("\" text-anchor=\"middle\">")
                .append(index)
                .append("</text>\n");
    }

    private void polyline(StringBuilder out, int from, int to, String colour) {
        if (to - from < 2) {
            return;
        }
        out.append("<polyline fill=\"none\" stroke=\"")
                .append(colour)
                .append("\" stroke-width=\"1.5\" points=\"");
        int n = values.length;
        // Long spectra: one point per pixel column is enough.
        int step = Math.max(1, n / (2 * (WIDTH - LEFT - RIGHT)));
        for (int i = from; i < to; i += step) {
            if (i > from) {
                out.append(' ');
            }
            out.append(coordinate(indexX(i, n))).append(',').append(coordinate(valueY(values[i])));
        }
        if ((to - 1 - from) % step != 0) {
            out.append(' ')
                    .append(coordinate(indexX(to - 1, n)))
                    .append(',')
                    .append(coordinate(valueY(values[to - 1])));
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
        double relative = value / largest;
        double clipped =
                relative > FLOOR && Double.isFinite(relative) ? Math.min(1, relative) : FLOOR;
        return logY(Math.log10(clipped));
    }

    private static double logY(double log) {
        double fraction = (log - LOG_LOW) / (LOG_HIGH - LOG_LOW);
        return HEIGHT - BOTTOM - fraction * (HEIGHT - TOP - BOTTOM);
    }
}
