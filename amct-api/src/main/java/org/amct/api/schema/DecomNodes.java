package org.amct.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The {@code decom_nodes} object: the first and last new convs.
 *
 * @param first the first conv
 * @param last the last conv
 */
@JsonPropertyOrder({"first", "last"})
record DecomNodes(
        @JsonProperty(value = "first", required = true) NodeInfo first,
        @JsonProperty(value = "last", required = true) NodeInfo last) {
    DecomNodes {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
    }
}
