package org.amct.api.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed safetensors header.
 *
 * @param entries the tensors, in header order
 * @param metadata the {@code __metadata__} strings in header order, empty when absent
 */
public record SafetensorsHeader(
        List<SafetensorsHeaderEntry> entries, Map<String, String> metadata) {
    /** Copies the collections. */
    public SafetensorsHeader {
        entries = List.copyOf(entries);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
