package org.amct.api.decompose;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Layer-name patterns: an exact dotted name, or a glob where {@code *} matches any run of
 * characters (dots included, so {@code layer1.*} matches {@code layer1.0.conv1}) and {@code ?}
 * matches one character.
 */
public final class LayerPatterns {
    private LayerPatterns() {}

    /**
     * Whether a pattern has wildcards.
     *
     * @param pattern the pattern
     * @return whether it contains {@code *} or {@code ?}
     */
    public static boolean isGlob(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }

    /**
     * Whether a layer name matches a pattern.
     *
     * @param pattern an exact name or a glob
     * @param name the layer's dotted name
     * @return whether it matches
     */
    public static boolean matches(String pattern, String name) {
        if (!isGlob(pattern)) {
            return pattern.equals(name);
        }
        return regex(pattern).matcher(name).matches();
    }

    /**
     * Whether a name matches any of the patterns.
     *
     * @param patterns the patterns
     * @param name the layer's name
     * @return whether one matches
     */
    public static boolean matchesAny(List<String> patterns, String name) {
        return patterns.stream().anyMatch(p -> matches(p, name));
    }

    /**
     * The entry of a pattern map that applies to a layer: the exact name if present, else the first
     * glob (in map order) that matches.
     *
     * @param <V> the value type
     * @param byPattern values by pattern, in order
     * @param name the layer's name
     * @return the pattern and its value, if any applies
     */
    public static <V> Optional<Map.Entry<String, V>> lookup(Map<String, V> byPattern, String name) {
        V exact = byPattern.get(name);
        if (exact != null && !isGlob(name)) {
            return Optional.of(Map.entry(name, exact));
        }
        for (Map.Entry<String, V> entry : byPattern.entrySet()) {
            if (isGlob(entry.getKey()) && matches(entry.getKey(), name)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    private static Pattern regex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
