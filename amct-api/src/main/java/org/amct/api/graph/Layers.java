package org.amct.api.graph;

import java.util.Arrays;
import java.util.Set;

/** Shared checks for {@link Layer#with}. */
final class Layers {
    private Layers() {}

    static void checkSameKeys(Set<String> expected, Set<String> actual, String what) {
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException(
                    "The " + what + " must keep the names " + expected + ", got " + actual);
        }
    }

    static void checkSameShape(String name, Tensor expected, Tensor actual) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            throw new IllegalArgumentException(
                    "Parameter '"
                            + name
                            + "' must keep the shape "
                            + Arrays.toString(expected.shape())
                            + ", got "
                            + Arrays.toString(actual.shape()));
        }
    }
}
