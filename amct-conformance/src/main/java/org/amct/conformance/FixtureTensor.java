package org.amct.conformance;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor read from a safetensors file, widened to float64. Immutable: accessors return copies.
 * Thread-safe.
 */
public final class FixtureTensor {
    private final String dtype;
    private final int[] shape;
    private final double[] data;

    /**
     * Creates a tensor; the arrays are copied.
     *
     * @param dtype the stored element type, for example {@code "F32"}
     * @param shape the dimensions
     * @param data the elements in row-major order, widened to float64
     * @throws IllegalArgumentException if the element count does not match the shape
     */
    public FixtureTensor(String dtype, int[] shape, double[] data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.data = data.clone();
        long count = 1;
        for (int dimension : shape) {
            count *= dimension;
        }
        if (count != data.length) {
            throw new IllegalArgumentException(
                    "shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + count
                            + " elements, got "
                            + data.length);
        }
    }

    /**
     * The stored element type as written in the file ({@code F32}, {@code F64}).
     *
     * @return the type name
     */
    public String dtype() {
        return dtype;
    }

    /**
     * The dimensions.
     *
     * @return a new array
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of elements.
     *
     * @return the product of the dimensions
     */
    public int elementCount() {
        return data.length;
    }

    /**
     * One element by its row-major index.
     *
     * @param index {@code 0 <= index < elementCount()}
     * @return the element
     */
    public double get(int index) {
        return data[index];
    }

    /**
     * The elements in row-major order.
     *
     * @return a new array
     */
    public double[] toArray() {
        return data.clone();
    }

    @Override
    public String toString() {
        return "FixtureTensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
