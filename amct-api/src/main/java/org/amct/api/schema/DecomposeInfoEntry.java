package org.amct.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;
import org.amct.api.decompose.DecomposeMode;
import org.amct.api.decompose.LayerPlan;
import org.amct.api.graph.Size2d;

/**
 * One element of the decomposition-info list, exactly as the reference tool writes it.
 *
 * @param oriLayerInfo the original layer
 * @param mode the decomposition mode: FCFK, FCSK, SCFK or SCSK
 * @param decomNodes the two new layers
 */
@JsonPropertyOrder({"ori_layer_info", "mode", "decom_nodes"})
record DecomposeInfoEntry(
        @JsonProperty(value = "ori_layer_info", required = true) OriLayerInfo oriLayerInfo,
        @JsonProperty(value = "mode", required = true) String mode,
        @JsonProperty(value = "decom_nodes", required = true) DecomNodes decomNodes) {

    DecomposeInfoEntry {
        Objects.requireNonNull(oriLayerInfo, "ori_layer_info");
        Objects.requireNonNull(mode, "mode");
        SchemaChecks.mode(mode);
        Objects.requireNonNull(decomNodes, "decom_nodes");
    }

    static DecomposeInfoEntry fromPlan(LayerPlan plan) {
        return new DecomposeInfoEntry(
                new OriLayerInfo(
                        plan.name(),
                        plan.inChannels(),
                        plan.outChannels(),
                        plan.kernelSize().toList(),
                        plan.stride().toList(),
                        plan.dilation().toList(),
                        plan.groups()),
                plan.mode().name(),
                new DecomNodes(new NodeInfo(plan.firstShape()), new NodeInfo(plan.lastShape())));
    }

    LayerPlan toPlan() {
        OriLayerInfo info = oriLayerInfo;
        return new LayerPlan(
                info.name(),
                info.inChannels(),
                info.outChannels(),
                new Size2d(info.kernelSize().get(0), info.kernelSize().get(1)),
                new Size2d(info.stride().get(0), info.stride().get(1)),
                new Size2d(info.dilation().get(0), info.dilation().get(1)),
                info.groups(),
                DecomposeMode.valueOf(mode),
                decomNodes.first().weightShape(),
                decomNodes.last().weightShape());
    }
}
