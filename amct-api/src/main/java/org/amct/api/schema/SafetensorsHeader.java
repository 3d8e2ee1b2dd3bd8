package org.amct.api.schema;

import java.util.List;
import java.util.Map;

/**
 * A parsed safetensors header.
 *
 * @param entries the tensors, in header order
 * @param metadata the {@code __metadata__} strings, empty when absent
 */
public record SafetensorsHeader(
        List<SafetensorsHeaderEntry> entries, Map<String, String> metadata) {
    /** Copies the collections. */
    public SafetensorsHeader {
        entries = List.copyOf(entries);
        metadata = Map.copyOf(metadata);
    }
}
