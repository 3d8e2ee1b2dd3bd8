package org.amct.api.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Escaping and number formatting for the HTML report. Pure functions; thread-safe. */
final class HtmlStrings {
    private HtmlStrings() {}

    /**
     * Escapes text for HTML and XML content and attribute values.
     *
     * @param text any text
     * @return the text with {@code & < > " '} replaced by character references and control
     *     characters other than tab, newline and carriage return removed (XML cannot hold them)
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * A count with thousands separators.
     *
     * @param value the count
     * @return for example {@code "1,234,567"}
     */
    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /**
     * A short number for axis labels and facts: three significant digits.
     *
     * @param value any number
     * @return for example {@code "0.0123"}, {@code "1.23e+05"}, {@code "NaN"}
     */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        double magnitude = Math.abs(value);
        if (value == 0) {
            return "0";
        }
        if (magnitude >= 1e-3 && magnitude < 1e5) {
            return new BigDecimal(value)
                    .round(new MathContext(3))
                    .stripTrailingZeros()
                    .toPlainString();
        }
        return String.format(Locale.ROOT, "%.2e", value);
    }

    /**
     * A coordinate in an SVG: one decimal, no exponent.
     *
     * @param value a finite coordinate
     * @return for example {@code "12.5"}
     */
    static String coordinate(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /**
     * A percentage of a whole.
     *
     * @param part the part
     * @param whole the whole; 0 gives {@code "-"}
     * @return for example {@code "23.4%"}
     */
    static String percent(long part, long whole) {
        if (whole == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }
}
