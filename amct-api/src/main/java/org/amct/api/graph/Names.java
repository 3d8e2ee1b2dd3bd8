package org.amct.api.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Checks on the local names of children and parameters. */
final class Names {
    private Names() {}

    /** An unmodifiable ordered copy, after checking that each key is a valid local name. */
    static <V> Map<String, V> orderedCopy(Map<String, V> map, String what) {
        Objects.requireNonNull(map, what);
        Map<String, V> copy = new LinkedHashMap<>();
        map.forEach(
                (name, value) -> {
                    checkLocal(name, what);
                    copy.put(name, Objects.requireNonNull(value, what + " '" + name + "'"));
                });
        return Collections.unmodifiableMap(copy);
    }

    static void checkLocal(String name, String what) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(
                    "Invalid " + what + " name '" + name + "': use a non-empty name without dots");
        }
    }

    static String join(String prefix, String local) {
        return prefix.isEmpty() ? local : prefix + "." + local;
    }
}
