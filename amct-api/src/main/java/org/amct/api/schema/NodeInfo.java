package org.amct.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A new conv in {@code decom_nodes}: its weight shape.
 *
 * @param weightShape {@code weight_shape}: four positive dimensions
 */
record NodeInfo(@JsonProperty(value = "weight_shape", required = true) List<Integer> weightShape) {
    NodeInfo {
        weightShape = SchemaChecks.positiveList("weight_shape", weightShape, 4);
    }
}
