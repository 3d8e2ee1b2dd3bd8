package org.amct.calibration;

import java.util.Arrays;
import java.util.Objects;
import org.amct.api.graph.DType;

/**
 * One input of a model as the inference engine sees it.
 *
 * @param name the input's name
 * @param shape its dimensions, {@code -1} where symbolic (for example the batch)
 * @param dtype its element type
 */
public record ModelInput(String name, long[] shape, DType dtype) {
    /**
     * Copies the shape.
     *
     * @param name the input's name
     * @param shape its dimensions, {@code -1} where symbolic
     * @param dtype its element type
     */
    public ModelInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    /**
     * The dimensions.
     *
     * @return a copy, {@code -1} where symbolic
     */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The shape as users read it: symbolic dimensions as {@code N} (the first) or {@code ?}.
     *
     * @return for example {@code [N, 3, 150, 150]}
     */
    public String describeShape() {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            out.append(i == 0 ? "" : ", ")
                    .append(shape[i] >= 0 ? String.valueOf(shape[i]) : i == 0 ? "N" : "?");
        }
        return out.append(']').toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelInput that
                && name.equals(that.name)
                && dtype == that.dtype
                && Arrays.equals(shape, that.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + " " + describeShape() + " " + dtype;
    }
}
