package org.amct.api.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable n-dimensional array with a {@link DType}, stored as little-endian bytes in row-major
 * order (the layout of safetensors and of ONNX {@code raw_data}), so it is read and written without
 * conversion.
 *
 * <p>The bytes may be in the heap or outside it: a {@link #wrap wrapped} direct buffer, such as the
 * read-only memory map of a model file that amct-onnx reads tensors from, is used in place, so a
 * model's tensors need not fit in the heap.
 *
 * <p>Elements are addressed by their flat row-major index. Thread-safe.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final long numel;
    private final ByteBuffer data;

    /** The floats {@link #readDoubles} copies at once before widening them. */
    private static final int READ_CHUNK = 1 << 14;

    private Tensor(DType dtype, int[] shape, ByteBuffer data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.numel = elementCount(this.shape);
        long bytes = numel * dtype.byteSize();
        if (bytes != data.remaining()) {
            throw new IllegalArgumentException(
                    "A "
                            + dtype
                            + " tensor of shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + bytes
                            + " bytes, got "
                            + data.remaining());
        }
        this.data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The number of elements of a shape, checked so that the tensor fits in one Java buffer.
     *
     * @param shape the dimensions, each {@code >= 0}
     * @return the product of the dimensions
     * @throws IllegalArgumentException if a dimension is negative or the product overflows
     */
    public static long elementCount(int[] shape) {
        long count = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException(
                        "Negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, (long) dim);
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "Shape " + Arrays.toString(shape) + " has more than 2^31 elements");
            }
        }
        return count;
    }

    /**
     * Wraps little-endian bytes without copying; the caller gives up the right to modify them.
     *
     * @param dtype the element type
     * @param shape the dimensions (copied)
     * @param data exactly {@code numel * dtype.byteSize()} remaining bytes
     * @return the tensor
     * @throws IllegalArgumentException if the byte count does not match
     */
    public static Tensor wrap(DType dtype, int[] shape, ByteBuffer data) {
        return new Tensor(dtype, shape, data);
    }

    /**
     * A float32 tensor holding a copy of {@code values}.
     *
     * @param shape the dimensions
     * @param values {@code numel} values in row-major order
     * @return the tensor
     */
    public static Tensor ofFloats(int[] shape, float[] values) {
        ByteBuffer buffer = allocate(values.length, DType.FLOAT32);
        buffer.asFloatBuffer().put(values);
        return new Tensor(DType.FLOAT32, shape, buffer);
    }

    /**
     * A float64 tensor holding a copy of {@code values}.
     *
     * @param shape the dimensions
     * @param values {@code numel} values in row-major order
     * @return the tensor
     */
    public static Tensor ofDoubles(int[] shape, double[] values) {
        ByteBuffer buffer = allocate(values.length, DType.FLOAT64);
        buffer.asDoubleBuffer().put(values);
        return new Tensor(DType.FLOAT64, shape, buffer);
    }

    /**
     * A floating-point tensor of type {@code dtype} from float64 values, each rounded to the
     * nearest representable value and clamped to the type's finite range (so a value too large for
     * float16 becomes 65504, not infinity). NaN stays NaN.
     *
     * @param dtype a floating-point type
     * @param shape the dimensions
     * @param values {@code numel} values in row-major order
     * @return the tensor
     * @throws IllegalArgumentException if {@code dtype} is not floating point or the number of
     *     values is not the shape's
     */
    public static Tensor fromDoubles(DType dtype, int[] shape, double[] values) {
        Writer writer = writer(dtype, shape);
        if (values.length != writer.size) {
            throw new IllegalArgumentException(
                    "A tensor of shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + writer.size
                            + " values, got "
                            + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            writer.set(i, values[i]);
        }
        return writer.toTensor();
    }

    /**
     * A writer that fills a new floating-point tensor element by element, in any order, rounding
     * and clamping each value as {@link #fromDoubles(DType, int[], double[])} does: for building a
     * tensor from values laid out differently (a permutation of a factor, say) without a float64
     * copy of them first.
     *
     * @param dtype a floating-point type
     * @param shape the dimensions
     * @return the writer; elements not set stay zero
     * @throws IllegalArgumentException if {@code dtype} is not floating point or the shape is
     *     invalid
     */
    public static Writer writer(DType dtype, int[] shape) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("Cannot store float values as " + dtype);
        }
        return new Writer(dtype, shape);
    }

    /**
     * Fills a new tensor by flat index ({@link #writer}); {@link #toTensor()} ends it. Not
     * thread-safe.
     */
    public static final class Writer {
        private final DType dtype;
        private final int[] shape;
        private final int size;
        private final double max;
        private ByteBuffer buffer;

        private Writer(DType dtype, int[] shape) {
            this.dtype = dtype;
            this.shape = shape.clone();
            this.size = Math.toIntExact(elementCount(this.shape));
            this.max = dtype.maxFinite();
            this.buffer = allocate(size, dtype);
        }

        /**
         * Sets one element: {@code value} rounded to the nearest value of the type and clamped to
         * its finite range; NaN stays NaN.
         *
         * @param index the flat row-major index
         * @param value the value
         * @throws IndexOutOfBoundsException if the index is outside the tensor
         * @throws IllegalStateException after {@link #toTensor()}
         */
        public void set(int index, double value) {
            if (buffer == null) {
                throw new IllegalStateException("The tensor is built already");
            }
            int at = Objects.checkIndex(index, size) * dtype.byteSize();
            double stored = Double.isNaN(value) ? value : Math.max(-max, Math.min(max, value));
            switch (dtype) {
                case FLOAT16 -> buffer.putShort(at, HalfFloats.floatToHalf((float) stored));
                case BFLOAT16 -> buffer.putShort(at, HalfFloats.floatToBfloat16((float) stored));
                case FLOAT32 -> buffer.putFloat(at, (float) stored);
                case FLOAT64 -> buffer.putDouble(at, stored);
                default -> throw new IllegalStateException("not a float type: " + dtype);
            }
        }

        /**
         * The tensor, holding the bytes written (not copied); the writer cannot be used after.
         *
         * @return the tensor
         * @throws IllegalStateException if called twice
         */
        public Tensor toTensor() {
            if (buffer == null) {
                throw new IllegalStateException("The tensor is built already");
            }
            Tensor tensor = new Tensor(dtype, shape, buffer);
            buffer = null;
            return tensor;
        }
    }

    /**
     * A tensor of zeros.
     *
     * @param dtype the element type
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor zeros(DType dtype, int[] shape) {
        return new Tensor(dtype, shape, allocate(elementCount(shape), dtype));
    }

    private static ByteBuffer allocate(long count, DType dtype) {
        return ByteBuffer.allocate(Math.toIntExact(count * dtype.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The element type.
     *
     * @return the dtype
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The dimensions.
     *
     * @return a copy of the shape
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * One dimension.
     *
     * @param axis {@code 0 <= axis < rank()}
     * @return the size of that axis
     */
    public int dim(int axis) {
        return shape[axis];
    }

    /**
     * The number of dimensions.
     *
     * @return the rank of the array (not a matrix rank)
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The number of elements.
     *
     * @return the product of the dimensions
     */
    public long numel() {
        return numel;
    }

    /**
     * The size of the data.
     *
     * @return {@code numel() * dtype().byteSize()}
     */
    public long byteSize() {
        return numel * dtype.byteSize();
    }

    /**
     * The raw little-endian bytes, as a read-only buffer positioned at 0.
     *
     * @return a new read-only view of the data
     */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * One element as a double (exact for every type but INT64 beyond 2^53).
     *
     * @param index the flat row-major index
     * @return the element's value
     * @throws IndexOutOfBoundsException if the index is outside the tensor
     */
    public double getDouble(long index) {
        int at = Math.toIntExact(Objects.checkIndex(index, numel) * dtype.byteSize());
        return switch (dtype) {
            case FLOAT16 -> HalfFloats.halfToFloat(data.getShort(at));
            case BFLOAT16 -> HalfFloats.bfloat16ToFloat(data.getShort(at));
            case FLOAT32 -> data.getFloat(at);
            case FLOAT64 -> data.getDouble(at);
            case INT8 -> data.get(at);
            case UINT8 -> data.get(at) & 0xff;
            case INT32 -> data.getInt(at);
            case INT64 -> data.getLong(at);
        };
    }

    /**
     * Copies a run of consecutive elements as doubles, without the per-element checks of {@link
     * #getDouble(long)}: the bulk read that unfolding a weight into a matrix uses.
     *
     * @param from the flat index of the first element
     * @param count how many, {@code >= 0}
     * @param target where to write them
     * @param offset the index in {@code target} of the first one
     * @throws IndexOutOfBoundsException if the run or the target range is out of bounds
     */
    public void readDoubles(long from, int count, double[] target, int offset) {
        Objects.checkFromIndexSize(from, count, numel);
        Objects.checkFromIndexSize(offset, count, target.length);
        int first = (int) from;
        switch (dtype) {
            case FLOAT32 -> {
                // a bulk copy into floats (a memory copy for little-endian data), then widening
                java.nio.FloatBuffer floats = data.asFloatBuffer();
                float[] chunk = new float[Math.min(count, READ_CHUNK)];
                for (int done = 0; done < count; done += chunk.length) {
                    int length = Math.min(chunk.length, count - done);
                    floats.get(first + done, chunk, 0, length);
                    for (int k = 0; k < length; k++) {
                        target[offset + done + k] = chunk[k];
                    }
                }
            }
            case FLOAT64 -> data.asDoubleBuffer().get(first, target, offset, count);
            default -> {
                for (int k = 0; k < count; k++) {
                    target[offset + k] = getDouble(first + k);
                }
            }
        }
    }

    /**
     * All elements as doubles.
     *
     * @return a new array of length {@code numel()}
     */
    public double[] toDoubles() {
        double[] values = new double[(int) numel];
        for (int i = 0; i < values.length; i++) {
            values[i] = getDouble(i);
        }
        return values;
    }

    /**
     * All elements as floats (rounded for float64 and integers).
     *
     * @return a new array of length {@code numel()}
     */
    public float[] toFloats() {
        float[] values = new float[(int) numel];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) getDouble(i);
        }
        return values;
    }

    /**
     * The index of the first element that is NaN or infinite, if any.
     *
     * @return the flat index, or -1 when every element is finite
     */
    public long firstNonFiniteIndex() {
        if (!dtype.isFloatingPoint()) {
            return -1;
        }
        for (long i = 0; i < numel; i++) {
            if (!Double.isFinite(getDouble(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Tensors are equal when dtype, shape and bytes are equal.
     *
     * @param other the object to compare with
     * @return whether they are equal
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor that
                && dtype == that.dtype
                && Arrays.equals(shape, that.shape)
                && data.equals(that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
