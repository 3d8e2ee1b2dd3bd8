package org.amct.api.schema;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's entry in a safetensors header, as declared (not yet checked against the file).
 *
 * @param name the tensor's name
 * @param dtype the dtype code, for example {@code "F32"}
 * @param shape the declared dimensions
 * @param begin the start offset in the data section
 * @param end the end offset (exclusive) in the data section
 */
public record SafetensorsHeaderEntry(
        String name, String dtype, long[] shape, long begin, long end) {
    /** Copies the shape. */
    public SafetensorsHeaderEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SafetensorsHeaderEntry that
                && name.equals(that.name)
                && dtype.equals(that.dtype)
                && Arrays.equals(shape, that.shape)
                && begin == that.begin
                && end == that.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + ": " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
