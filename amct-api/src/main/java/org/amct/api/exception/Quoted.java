package org.amct.api.exception;

import java.util.Locale;

/**
 * Names and values quoted in messages, bounded: a layer name, tensor name or field value taken from
 * a file can be megabytes long, and an error line must stay readable. Every message of amct quotes
 * what it read from a file through {@link #of}: text longer than {@value #MAX_CHARS} characters is
 * cut there and followed by an ellipsis and its full length, and control characters (a newline
 * would split the one-line message) are written as {@code \\uXXXX}.
 */
public final class Quoted {
    /** The most characters of a quoted text kept in a message. */
    public static final int MAX_CHARS = 120;

    private Quoted() {}

    /**
     * The text in single quotes, bounded.
     *
     * @param value the name or value (its {@code toString()}); {@code null} gives {@code null}
     * @return for example {@code 'conv1'}, or {@code 'aaaa...' (1000000 characters)}
     */
    public static String of(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        if (text.length() <= MAX_CHARS) {
            return "'" + printable(text) + "'";
        }
        int end = MAX_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return "'"
                + printable(text.substring(0, end))
                + "...' ("
                + String.format(Locale.ROOT, "%,d", text.length())
                + " characters)";
    }

    /**
     * A longer text (a parser's message) bounded to {@code max} characters, with an ellipsis and
     * the full length when cut, and control characters escaped.
     *
     * @param text the text
     * @param max the most characters kept
     * @return the bounded text
     */
    public static String text(String text, int max) {
        if (text == null) {
            return "null";
        }
        if (text.length() <= max) {
            return printable(text);
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return printable(text.substring(0, end))
                + "... ("
                + String.format(Locale.ROOT, "%,d", text.length())
                + " characters)";
    }

    /**
     * The text bounded as by {@link #of}, without the quotes.
     *
     * @param value the name or value
     * @return the bounded text
     */
    public static String bare(Object value) {
        String quoted = of(value);
        if (!quoted.startsWith("'")) {
            return quoted;
        }
        int close = quoted.lastIndexOf('\'');
        return quoted.substring(1, close) + quoted.substring(close + 1);
    }

    private static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
