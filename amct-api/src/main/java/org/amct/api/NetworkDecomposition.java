package org.amct.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amct.api.graph.ModelGraph;

/**
 * What {@link TensorDecompose#decomposeNetwork} returns.
 *
 * @param model the restructured model, with fresh weights in the new layers
 * @param changes each listed layer's name mapped to the names of its two new layers
 */
public record NetworkDecomposition(ModelGraph model, Map<String, List<String>> changes) {
    /**
     * Copies the changes, keeping their order.
     *
     * @param model the restructured model, with fresh weights in the new layers
     * @param changes each listed layer's name mapped to the names of its two new layers
     */
    public NetworkDecomposition {
        changes = Collections.unmodifiableMap(new LinkedHashMap<>(changes));
    }
}
