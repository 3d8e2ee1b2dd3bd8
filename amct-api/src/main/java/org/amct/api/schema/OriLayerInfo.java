package org.amct.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * The {@code ori_layer_info} object: the original layer's name and hyper-parameters.
 *
 * @param name the layer's dotted name
 * @param inChannels {@code in_channels}, positive
 * @param outChannels {@code out_channels}, positive
 * @param kernelSize {@code kernel_size}, two positive values
 * @param stride {@code stride}, two positive values
 * @param dilation {@code dilation}, two positive values
 * @param groups {@code groups}, positive
 */
@JsonPropertyOrder({
    "name",
    "in_channels",
    "out_channels",
    "kernel_size",
    "stride",
    "dilation",
    "groups"
})
record OriLayerInfo(
        @JsonProperty(value = "name", required = true) String name,
        @JsonProperty(value = "in_channels", required = true) int inChannels,
        @JsonProperty(value = "out_channels", required = true) int outChannels,
        @JsonProperty(value = "kernel_size", required = true) List<Integer> kernelSize,
        @JsonProperty(value = "stride", required = true) List<Integer> stride,
        @JsonProperty(value = "dilation", required = true) List<Integer> dilation,
        @JsonProperty(value = "groups", required = true) int groups) {

    OriLayerInfo {
        Objects.requireNonNull(name, "name");
        SchemaChecks.positive("in_channels", inChannels);
        SchemaChecks.positive("out_channels", outChannels);
        SchemaChecks.positive("groups", groups);
        kernelSize = SchemaChecks.positiveList("kernel_size", kernelSize, 2);
        stride = SchemaChecks.positiveList("stride", stride, 2);
        dilation = SchemaChecks.positiveList("dilation", dilation, 2);
    }
}
