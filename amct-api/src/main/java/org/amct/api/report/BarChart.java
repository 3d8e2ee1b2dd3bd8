package org.amct.api.report;

import static org.amct.api.report.HtmlStrings.coordinate;
import static org.amct.api.report.HtmlStrings.count;
import static org.amct.api.report.HtmlStrings.escape;
import static org.amct.api.report.HtmlStrings.percent;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A horizontal bar chart as an inline SVG: for each layer, one bar before (grey) and one after
 * (blue) decomposition, on a linear scale shared by all layers, with the numbers written next to
 * the bars.
 */
final class BarChart {
    private static final int WIDTH = 560;
    private static final int ROW = 34;
    private static final int TOP = 8;
    private static final int BAR = 11;
    private static final int VALUE_SPACE = 150;
    private static final int MAX_LABEL_CHARS = 32;
    private static final double CHAR_WIDTH = 6.4;

    private BarChart() {}

    /**
     * The chart of one quantity.
     *
     * @param title what is shown, for the SVG's title
     * @param layers the layers, one row each
     * @param before the quantity before decomposition
     * @param after the quantity after
     * @return an {@code <svg>} element with class {@code bars}
     */
    static String svg(
            String title,
            List<RunSummary.Layer> layers,
            ToLongFunction<RunSummary.Layer> before,
            ToLongFunction<RunSummary.Layer> after) {
        int longest = layers.stream().mapToInt(l -> shortName(l.name()).length()).max().orElse(4);
        int labelWidth = (int) Math.ceil(Math.max(4, longest) * CHAR_WIDTH) + 10;
        int barSpace = WIDTH - labelWidth - VALUE_SPACE;
        int height = TOP + ROW * layers.size() + 8;
        long largest = 1;
        for (RunSummary.Layer layer : layers) {
            largest =
                    Math.max(
                            largest, Math.max(before.applyAsLong(layer), after.applyAsLong(layer)));
        }
        StringBuilder out = new StringBuilder(4096);
        out.append("<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(height)
                .append("\" role=\"img\" font-size=\"11\" fill=\"#3c4043\">\n<title>")
                .append(escape(title))
                .append("</title>\n");
        for (int i = 0; i < layers.size(); i++) {
            RunSummary.Layer layer = layers.get(i);
            int y = TOP + i * ROW;
            long valueBefore = before.applyAsLong(layer);
            long valueAfter = after.applyAsLong(layer);
            out.append("<g><title>")
                    .append(escape(layer.name()))
                    .append("</title><text x=\"")
                    .append(labelWidth - 8)
                    .append("\" y=\"")
                    .append(y + BAR + 5)
                    .append("\" text-anchor=\"end\">")
                    .append(escape(shortName(layer.name())))
                    .append("</text></g>\n");
            bar(out, labelWidth, y, barSpace, valueBefore, largest, "#bdc1c6", count(valueBefore));
            bar(
                    out,
                    labelWidth,
                    y + BAR + 1,
                    barSpace,
                    valueAfter,
                    largest,
                    "#1a73e8",
                    count(valueAfter) + " (" + percent(valueAfter, valueBefore) + ")");
        }
        out.append("<line x1=\"")
                .append(labelWidth)
                .append("\" x2=\"")
                .append(labelWidth)
                .append("\" y1=\"")
                .append(TOP - 4)
                .append("\" y2=\"")
                .append(height - 4)
                .append("\" stroke=\"#5f6368\"/>\n</svg>");
        return out.toString();
    }

    private static void bar(
            StringBuilder out,
            int left,
            int y,
            int space,
            long value,
            long largest,
            String colour,
            String label) {
        double width = Math.max(1, (double) value / largest * space);
        out.append("<rect x=\"")
                .append(left)
                .append("\" y=\"")
                .append(y)
                .append("\" width=\"")
                .append(coordinate(width))
                .append("\" height=\"")
                .append(BAR)
                .append("\" fill=\"")
                .append(colour)
                .append("\"/>\n<text x=\"")
                .append(coordinate(left + width + 4))
                .append("\" y=\"")
                .append(y + BAR - 2)
                .append("\">")
                .append(escape(label))
                .append("</text>\n");
    }

    /** The name as shown: long names keep their end, where layer names differ. */
    static String shortName(String name) {
        String shown = name.isEmpty() ? "(model)" : name;
        if (shown.length() <= MAX_LABEL_CHARS) {
            return shown;
        }
        return "\u2026" + shown.substring(shown.length() - (MAX_LABEL_CHARS - 1));
    }
}
