package org.amct.api.format;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.amct.api.graph.Tensor;

/**
 * The content of a weights file: tensors by name, in file order, and the user's string metadata.
 *
 * @param tensors tensors by dotted parameter name
 * @param metadata free-form strings (safetensors' {@code __metadata__}), empty when absent
 */
public record WeightsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /**
     * Copies both maps, keeping their order.
     *
     * @param tensors tensors by dotted parameter name
     * @param metadata free-form strings (safetensors' {@code __metadata__}), empty when absent
     */
    public WeightsFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
