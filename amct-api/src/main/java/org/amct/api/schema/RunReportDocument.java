package org.amct.api.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * The {@code report.json} document of a decomposition run, field for field. Filled by {@code
 * org.amct.api.report.JsonReport}, written by {@link RunReportCodec}.
 *
 * @param schemaVersion {@code schema_version}: raised when a field changes meaning or goes away
 * @param model the model file's name
 * @param backend the backend that ran
 * @param layers one entry per decomposed layer, in model order
 * @param skipped the Conv2d layers left unchanged, with the reason
 * @param totals sums over the model
 */
@JsonPropertyOrder({"schema_version", "model", "backend", "layers", "skipped", "totals"})
public record RunReportDocument(
        @JsonProperty("schema_version") int schemaVersion,
        @JsonProperty("model") String model,
        @JsonProperty("backend") Backend backend,
        @JsonProperty("layers") List<Layer> layers,
        @JsonProperty("skipped") List<Skipped> skipped,
        @JsonProperty("totals") Totals totals) {
    /**
     * Copies the lists.
     *
     * @param schemaVersion {@code schema_version}
     * @param model the model file's name
     * @param backend the backend that ran
     * @param layers one entry per decomposed layer
     * @param skipped the layers left unchanged
     * @param totals sums over the model
     */
    public RunReportDocument {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(totals, "totals");
        layers = List.copyOf(layers);
        skipped = List.copyOf(skipped);
    }

    /**
     * The {@code backend} object.
     *
     * @param id the backend's id
     * @param device the device it ran on
     * @param name its display name
     * @param forced whether it was requested rather than picked
     */
    @JsonPropertyOrder({"id", "device", "name", "forced"})
    public record Backend(
            @JsonProperty("id") String id,
            @JsonProperty("device") String device,
            @JsonProperty("name") String name,
            @JsonProperty("forced") boolean forced) {}

    /**
     * One entry of {@code layers}.
     *
     * @param name the layer's dotted name
     * @param mode the decomposition mode
     * @param rank the chosen rank
     * @param inChannels {@code in_channels}
     * @param outChannels {@code out_channels}
     * @param kernelSize {@code kernel_size}, height then width
     * @param stride {@code stride}, height then width
     * @param firstShape {@code first_shape}, the first conv's weight shape
     * @param lastShape {@code last_shape}, the last conv's weight shape
     * @param paramsBefore {@code params_before}
     * @param paramsAfter {@code params_after}
     * @param macsBefore {@code macs_before}, per output pixel
     * @param macsAfter {@code macs_after}, per output pixel
     * @param policy {@code policy}, what chose the rank
     * @param rankSpectrum {@code rank_spectrum}, {@code "weights"} or {@code "whitened"}
     * @param macsAtInputBefore {@code macs_at_input_before}, per inference
     * @param macsAtInputAfter {@code macs_at_input_after}, per inference
     * @param relError {@code rel_error}, the relative Frobenius error of the factors
     * @param relErrorStored {@code rel_error_stored}, the same as stored
     * @param clampedElements {@code clamped_elements}
     * @param seconds time spent on the layer
     */
    @JsonPropertyOrder({
        "name",
        "mode",
        "rank",
        "in_channels",
        "out_channels",
        "kernel_size",
        "stride",
        "first_shape",
        "last_shape",
        "params_before",
        "params_after",
        "macs_before",
        "macs_after",
        "policy",
        "rank_spectrum",
        "macs_at_input_before",
        "macs_at_input_after",
        "rel_error",
        "rel_error_stored",
        "clamped_elements",
        "seconds"
    })
    public record Layer(
            @JsonProperty("name") String name,
            @JsonProperty("mode") String mode,
            @JsonProperty("rank") int rank,
            @JsonProperty("in_channels") int inChannels,
            @JsonProperty("out_channels") int outChannels,
            @JsonProperty("kernel_size") List<Integer> kernelSize,
            @JsonProperty("stride") List<Integer> stride,
            @JsonProperty("first_shape") List<Integer> firstShape,
            @JsonProperty("last_shape") List<Integer> lastShape,
            @JsonProperty("params_before") long paramsBefore,
            @JsonProperty("params_after") long paramsAfter,
            @JsonProperty("macs_before") long macsBefore,
            @JsonProperty("macs_after") long macsAfter,
            @JsonProperty("policy") String policy,
            @JsonProperty("rank_spectrum") String rankSpectrum,
            @JsonProperty("macs_at_input_before") @JsonInclude(JsonInclude.Include.NON_NULL)
                    Long macsAtInputBefore,
            @JsonProperty("macs_at_input_after") @JsonInclude(JsonInclude.Include.NON_NULL)
                    Long macsAtInputAfter,
            @JsonProperty("rel_error") double relError,
            @JsonProperty("rel_error_stored") double relErrorStored,
            @JsonProperty("clamped_elements") long clampedElements,
            @JsonProperty("seconds") double seconds) {
        /**
         * Copies the lists.
         *
         * @param name the layer's dotted name
         * @param mode the decomposition mode
         * @param rank the chosen rank
         * @param inChannels {@code in_channels}
         * @param outChannels {@code out_channels}
         * @param kernelSize {@code kernel_size}
         * @param stride {@code stride}
         * @param firstShape {@code first_shape}
         * @param lastShape {@code last_shape}
         * @param paramsBefore {@code params_before}
         * @param paramsAfter {@code params_after}
         * @param macsBefore {@code macs_before}
         * @param macsAfter {@code macs_after}
         * @param policy {@code policy}: what chose the rank
         * @param rankSpectrum {@code rank_spectrum}: the spectrum the rank was chosen on, {@code
         *     "weights"} (the unfolding's) or {@code "whitened"} (a budget with calibration data)
         * @param macsAtInputBefore {@code macs_at_input_before}, when known
         * @param macsAtInputAfter {@code macs_at_input_after}, when known
         * @param relError {@code rel_error}: the float64 factors' relative error
         * @param relErrorStored {@code rel_error_stored}: the relative error of the two new weights
         *     as stored in the layer's dtype
         * @param clampedElements {@code clamped_elements}: elements of the new weights clamped to
         *     the dtype's finite range
         * @param seconds time spent on the layer
         */
        public Layer {
            kernelSize = List.copyOf(kernelSize);
            stride = List.copyOf(stride);
            firstShape = List.copyOf(firstShape);
            lastShape = List.copyOf(lastShape);
        }
    }

    /**
     * One entry of {@code skipped}.
     *
     * @param name the layer's dotted name
     * @param reason why it was left unchanged
     */
    @JsonPropertyOrder({"name", "reason"})
    public record Skipped(
            @JsonProperty("name") String name, @JsonProperty("reason") String reason) {}

    /**
     * The {@code totals} object, over every Conv2d of the model (unchanged ones count the same
     * before and after).
     *
     * @param paramsBefore {@code params_before}: Conv2d weights and biases before
     * @param paramsAfter {@code params_after}: Conv2d weights and biases after
     * @param macsBefore {@code macs_before}: multiply-accumulates per output pixel, summed over the
     *     Conv2d layers, before
     * @param macsAfter {@code macs_after}: the same after
     * @param seconds wall time of the run
     * @param layersDecomposed {@code layers_decomposed}
     * @param layersSkipped {@code layers_skipped}
     */
    @JsonPropertyOrder({
        "params_before",
        "params_after",
        "macs_before",
        "macs_after",
        "seconds",
        "layers_decomposed",
        "layers_skipped",
        "macs_at_input_before",
        "macs_at_input_after",
        "target"
    })
    public record Totals(
            @JsonProperty("params_before") long paramsBefore,
            @JsonProperty("params_after") long paramsAfter,
            @JsonProperty("macs_before") long macsBefore,
            @JsonProperty("macs_after") long macsAfter,
            @JsonProperty("seconds") double seconds,
            @JsonProperty("layers_decomposed") int layersDecomposed,
            @JsonProperty("layers_skipped") int layersSkipped,
            @JsonProperty("macs_at_input_before") @JsonInclude(JsonInclude.Include.NON_NULL)
                    Long macsAtInputBefore,
            @JsonProperty("macs_at_input_after") @JsonInclude(JsonInclude.Include.NON_NULL)
                    Long macsAtInputAfter,
            @JsonProperty("target") @JsonInclude(JsonInclude.Include.NON_NULL) Target target) {}

    /**
     * How a global budget was met.
     *
     * @param measure {@code "params"} or {@code "macs"}
     * @param fraction the target fraction
     * @param before the measure over all Conv2d layers before
     * @param limit {@code floor(fraction * before)}
     * @param after the measure after, at most {@code limit}
     * @param achieved {@code after / before}
     * @param spectra the spectra the ranks were allocated on: {@code "weights"}, {@code "whitened"}
     *     (calibration data) or {@code "mixed"}
     */
    @JsonPropertyOrder({"measure", "fraction", "before", "limit", "after", "achieved", "spectra"})
    public record Target(
            @JsonProperty("measure") String measure,
            @JsonProperty("fraction") double fraction,
            @JsonProperty("before") long before,
            @JsonProperty("limit") long limit,
            @JsonProperty("after") long after,
            @JsonProperty("achieved") double achieved,
            @JsonProperty("spectra") String spectra) {}
}
