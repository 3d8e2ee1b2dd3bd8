package org.amct.api.graph;

import java.util.Arrays;
import java.util.Optional;

/** The element type of a {@link Tensor}, with its size and its safetensors code. */
public enum DType {
    /** IEEE 754 half precision. */
    FLOAT16(2, "F16", true),
    /** bfloat16: the top half of a float32. */
    BFLOAT16(2, "BF16", true),
    /** IEEE 754 single precision. */
    FLOAT32(4, "F32", true),
    /** IEEE 754 double precision. */
    FLOAT64(8, "F64", true),
    /** Signed 8-bit integer. */
    INT8(1, "I8", false),
    /** Unsigned 8-bit integer. */
    UINT8(1, "U8", false),
    /** Signed 32-bit integer. */
    INT32(4, "I32", false),
    /** Signed 64-bit integer. */
    INT64(8, "I64", false);

    private final int byteSize;
    private final String safetensorsCode;
    private final boolean floatingPoint;

    DType(int byteSize, String safetensorsCode, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.safetensorsCode = safetensorsCode;
        this.floatingPoint = floatingPoint;
    }

    /**
     * Bytes per element.
     *
     * @return 1, 2, 4 or 8
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * The dtype code of the safetensors format, for example {@code "F32"}.
     *
     * @return the code
     */
    public String safetensorsCode() {
        return safetensorsCode;
    }

    /**
     * Whether this is a floating-point type.
     *
     * @return {@code true} for the four float types
     */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /**
     * The largest finite value of a floating-point type, used to clamp when narrowing.
     *
     * @return the largest finite value
     * @throws IllegalStateException for an integer type
     */
    public double maxFinite() {
        return switch (this) {
            case FLOAT16 -> 65504.0;
            case BFLOAT16 -> Float.intBitsToFloat(0x7f7f0000);
            case FLOAT32 -> Float.MAX_VALUE;
            case FLOAT64 -> Double.MAX_VALUE;
            default -> throw new IllegalStateException(this + " is not a floating-point type");
        };
    }

    /**
     * Looks up a safetensors dtype code.
     *
     * @param code for example {@code "BF16"}
     * @return the type, or empty if the code is not one we support
     */
    public static Optional<DType> fromSafetensorsCode(String code) {
        return Arrays.stream(values()).filter(t -> t.safetensorsCode.equals(code)).findFirst();
    }
}
