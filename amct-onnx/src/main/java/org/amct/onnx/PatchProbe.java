package org.amct.onnx;

import java.util.Objects;

/**
 * The two extra outputs {@link OnnxModel#writeWithPatchProbes} adds for one layer.
 *
 * @param layer the layer's dotted name
 * @param sum the output holding {@code Y Y^T} in float64, {@code [d, d]}, where the columns of
 *     {@code Y} are the layer's input patches of one run (all images of the batch, all positions)
 * @param shape the output holding the shape of {@code Y}, int64 {@code [d, patches]}
 */
public record PatchProbe(String layer, String sum, String shape) {
    /**
     * Checks that no name is null.
     *
     * @param layer the layer's dotted name
     * @param sum the float64 {@code [d, d]} output
     * @param shape the int64 {@code [2]} output
     */
    public PatchProbe {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(sum, "sum");
        Objects.requireNonNull(shape, "shape");
    }
}
