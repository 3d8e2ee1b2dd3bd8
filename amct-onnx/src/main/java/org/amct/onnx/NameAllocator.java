package org.amct.onnx;

import java.util.HashSet;
import java.util.Set;

/** Hands out names not used yet: the wanted one, or it with {@code _1}, {@code _2}, ... */
final class NameAllocator {
    private final Set<String> used;

    NameAllocator(Set<String> used) {
        this.used = new HashSet<>(used);
    }

    /** Marks a name as used. */
    void reserve(String name) {
        used.add(name);
    }

    /** Frees a name, so that it may be handed out again. */
    void release(String name) {
        used.remove(name);
    }

    /** The wanted name if free, else the first free {@code wanted_<i>}; marked as used. */
    String allocate(String wanted) {
        String name = wanted;
        for (int i = 1; used.contains(name); i++) {
            name = wanted + "_" + i;
        }
        used.add(name);
        return name;
    }
}
