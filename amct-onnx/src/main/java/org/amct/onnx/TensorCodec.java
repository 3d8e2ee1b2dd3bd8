package org.amct.onnx;

import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.TensorProto;

/**
 * Converts between ONNX {@code TensorProto} and {@link Tensor}: data in {@code raw_data}, in the
 * typed fields ({@code float_data}, {@code double_data}, {@code int32_data} (which also holds
 * float16 and bfloat16 bit patterns), {@code int64_data}) or in an external file. Writes always use
 * {@code raw_data}, little-endian, as ONNX prescribes.
 */
final class TensorCodec {
    private TensorCodec() {}

    /** The largest byte count one Java buffer holds. */
    static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE - 8;

    /**
     * The dtype of a tensor, if supported.
     *
     * @param proto the tensor
     * @param where names the file and tensor, for messages
     * @return the dtype
     * @throws ModelFormatException if the data type is not one we read
     */
    static DType dtype(TensorProto proto, String where) {
        return OnnxConstants.dtypeOf(proto.getDataType())
                .orElseThrow(
                        () ->
                                new ModelFormatException(
                                        where
                                                + ": data_type is "
                                                + proto.getDataType()
                                                + " ("
                                                + OnnxConstants.dataTypeName(proto.getDataType())
                                                + "), which amct does not read (it reads FLOAT,"
                                                + " DOUBLE, FLOAT16, BFLOAT16, INT8, UINT8, INT32"
                                                + " and INT64)"));
    }

    /**
     * Decodes a tensor. Every declared size is checked against the bytes present before anything is
     * allocated.
     *
     * @param proto the tensor
     * @param modelFolder the folder of the model file, for external data
     * @param files the maps external data is read through
     * @param where names the file and tensor, for messages
     * @return the tensor; its data aliases the parsed file's bytes ({@code raw_data}) or the map of
     *     its external data file, and is copied into the heap only from the typed fields
     * @throws IOException if external data cannot be read
     * @throws ModelFormatException if the tensor is malformed
     */
    static Tensor decode(TensorProto proto, Path modelFolder, MappedFiles files, String where)
            throws IOException {
        DType dtype = dtype(proto, where);
        int[] shape = shape(proto, where);
        long count = Tensor.elementCount(shape);
        long bytes = count * dtype.byteSize();
        if (proto.hasSegment()) {
            throw new ModelFormatException(where + ": segmented tensors are not supported");
        }
        ByteBuffer data;
        if (proto.getDataLocation() == OnnxConstants.EXTERNAL) {
            checkBufferSize(bytes, shape, dtype, where);
            data = ExternalData.of(proto, where).read(modelFolder, files, bytes, where);
        } else if (proto.getDataLocation() != 0) {
            throw new ModelFormatException(
                    where
                            + ": data_location is "
                            + proto.getDataLocation()
                            + ", expected 0 (DEFAULT) or 1 (EXTERNAL)");
        } else if (proto.hasRawData()) {
            data = proto.getRawData().asReadOnlyByteBuffer();
            if (data.remaining() != bytes) {
                throw new ModelFormatException(
                        where
                                + ": raw_data holds "
                                + data.remaining()
                                + " bytes but dims "
                                + Arrays.toString(shape)
                                + " of "
                                + dtype
                                + " need "
                                + bytes);
            }
        } else {
            data = typedData(proto, dtype, shape, (int) count, where);
        }
        return Tensor.wrap(dtype, shape, data);
    }

    /**
     * The checked dimensions of a tensor.
     *
     * @param proto the tensor
     * @param where names the file and tensor, for messages
     * @return the dimensions, each {@code >= 0}, with at most {@code 2^31 - 1} elements in all
     * @throws ModelFormatException naming the dimension that is negative or too large
     */
    static int[] shape(TensorProto proto, String where) {
        int[] shape = new int[proto.getDimsCount()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            long dim = proto.getDims(i);
            if (dim < 0) {
                throw new ModelFormatException(
                        where
                                + ": dims "
                                + proto.getDimsList()
                                + " has a negative dimension ("
                                + dim
                                + " at index "
                                + i
                                + ")");
            }
            if (dim > Integer.MAX_VALUE) {
                throw new ModelFormatException(
                        where
                                + ": dims "
                                + proto.getDimsList()
                                + " has dimension "
                                + dim
                                + " at index "
                                + i
                                + ", more than the 2^31-1 that amct reads");
            }
            shape[i] = (int) dim;
            count = dim == 0 ? 0 : Math.min(count * dim, (long) Integer.MAX_VALUE + 1);
        }
        if (count > Integer.MAX_VALUE) {
            throw new ModelFormatException(
                    where
                            + ": dims "
                            + proto.getDimsList()
                            + " make more than 2^31-1 elements, more than one tensor may hold");
        }
        return shape;
    }

    /**
     * The element count of a tensor, after the checks of {@link #shape}.
     *
     * @param proto the tensor
     * @param where names the file and tensor, for messages
     * @return the count, at most {@code 2^31 - 1}
     * @throws ModelFormatException naming the dimension that is negative or too large
     */
    static long elementCount(TensorProto proto, String where) {
        return Tensor.elementCount(shape(proto, where));
    }

    private static void checkBufferSize(long bytes, int[] shape, DType dtype, String where) {
        if (bytes > MAX_BUFFER_BYTES) {
            throw new ModelFormatException(
                    where
                            + ": dims "
                            + Arrays.toString(shape)
                            + " of "
                            + dtype
                            + " make "
                            + bytes
                            + " bytes, more than the 2 GiB one tensor may hold in amct");
        }
    }

    private static ByteBuffer typedData(
            TensorProto proto, DType dtype, int[] shape, int count, String where) {
        String field;
        int found;
        switch (dtype) {
            case FLOAT32 -> {
                field = "float_data";
                found = proto.getFloatDataCount();
            }
            case FLOAT64 -> {
                field = "double_data";
                found = proto.getDoubleDataCount();
            }
            case INT64 -> {
                field = "int64_data";
                found = proto.getInt64DataCount();
            }
            default -> {
                field = "int32_data";
                found = proto.getInt32DataCount();
            }
        }
        if (found != count) {
            throw new ModelFormatException(
                    where
                            + ": "
                            + field
                            + " holds "
                            + found
                            + " values but dims "
                            + Arrays.toString(shape)
                            + " need "
                            + count
                            + (found == 0 ? " (the tensor has no data: no raw_data either)" : ""));
        }
        // count values are present in the parsed file, so the buffer is at most 8x the file.
        ByteBuffer out =
                ByteBuffer.allocate(count * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case FLOAT32 -> proto.getFloatDataList().forEach(out::putFloat);
            case FLOAT64 -> proto.getDoubleDataList().forEach(out::putDouble);
            case INT64 -> proto.getInt64DataList().forEach(out::putLong);
            default -> {
                for (int value : proto.getInt32DataList()) {
                    putSmall(out, dtype, value);
                }
            }
        }
        out.flip();
        return out;
    }

    private static void putSmall(ByteBuffer out, DType dtype, int value) {
        switch (dtype) {
            case FLOAT16, BFLOAT16 -> out.putShort((short) value);
            case INT8, UINT8 -> out.put((byte) value);
            case INT32 -> out.putInt(value);
            default -> throw new IllegalStateException("not kept in int32_data: " + dtype);
        }
    }

    /**
     * Encodes a tensor with its data in {@code raw_data}. The bytes are not copied: the proto
     * refers to the tensor's (immutable) data, wherever it is kept (the heap, or a map of the file
     * it was read from), and writing the proto streams them.
     *
     * @param name the tensor's name
     * @param tensor the tensor
     * @return the proto
     */
    static TensorProto encode(String name, Tensor tensor) {
        TensorProto.Builder builder =
                TensorProto.newBuilder()
                        .setName(name)
                        .setDataType(OnnxConstants.dataTypeOf(tensor.dtype()))
                        .setRawData(UnsafeByteOperations.unsafeWrap(tensor.data()));
        Arrays.stream(tensor.shape()).forEach(builder::addDims);
        return builder.build();
    }

    /**
     * The size of a tensor's data, wherever it is kept.
     *
     * @param proto the tensor
     * @return the bytes its dims and data type call for (0 for types we do not read)
     */
    static long dataBytes(TensorProto proto) {
        if (proto.hasRawData()) {
            return proto.getRawData().size();
        }
        long count = OnnxConstants.dtypeOf(proto.getDataType()).map(t -> t.byteSize()).orElse(1);
        for (long dim : proto.getDimsList()) {
            // Saturates near 2^62 without overflow: a huge size only has to compare as large.
            count = Math.min(count, 1L << 31) * Math.max(0, Math.min(dim, 1L << 31));
        }
        return count;
    }
}
