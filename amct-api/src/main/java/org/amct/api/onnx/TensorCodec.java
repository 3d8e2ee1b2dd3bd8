package org.amct.api.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.amct.api.onnx.proto.OnnxProtos.TensorProto;

/**
 * Converts between ONNX {@code TensorProto} and {@link Tensor}: data in {@code raw_data}, in the
 * typed fields ({@code float_data}, {@code double_data}, {@code int32_data} (which also holds
 * float16 and bfloat16 bit patterns), {@code int64_data}) or in an external file. Writes always use
 * {@code raw_data}, little-endian, as ONNX prescribes.
 */
final class TensorCodec {
    private TensorCodec() {}

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
                                                + ": data_type "
                                                + proto.getDataType()
                                                + " is not supported (supported: float, double,"
                                                + " float16, bfloat16, int8, uint8, int32, int64)"));
    }

    /**
     * Decodes a tensor.
     *
     * @param proto the tensor
     * @param modelFolder the folder of the model file, for external data
     * @param where names the file and tensor, for messages
     * @return the tensor
     * @throws IOException if external data cannot be read
     * @throws ModelFormatException if the tensor is malformed
     */
    static Tensor decode(TensorProto proto, Path modelFolder, String where) throws IOException {
        DType dtype = dtype(proto, where);
        int[] shape = shape(proto, where);
        long bytes = Tensor.elementCount(shape) * dtype.byteSize();
        if (proto.hasSegment()) {
            throw new ModelFormatException(where + ": segmented tensors are not supported");
        }
        ByteBuffer data;
        if (proto.getDataLocation() == OnnxConstants.EXTERNAL) {
            data = ExternalData.of(proto, where).read(modelFolder, bytes, where);
        } else if (proto.hasRawData()) {
            data = proto.getRawData().asReadOnlyByteBuffer();
            checkBytes(data.remaining(), bytes, "raw_data", where);
        } else {
            data = typedData(proto, dtype, Math.toIntExact(bytes / dtype.byteSize()), where);
        }
        return Tensor.wrap(dtype, shape, data);
    }

    private static int[] shape(TensorProto proto, String where) {
        int[] shape = new int[proto.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            long dim = proto.getDims(i);
            if (dim < 0 || dim > Integer.MAX_VALUE) {
                throw new ModelFormatException(
                        where + ": dimension " + dim + " in dims " + proto.getDimsList());
            }
            shape[i] = (int) dim;
        }
        try {
            Tensor.elementCount(shape);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(where + ": " + e.getMessage(), e);
        }
        return shape;
    }

    private static void checkBytes(long found, long expected, String field, String where) {
        if (found != expected) {
            throw new ModelFormatException(
                    where
                            + ": "
                            + field
                            + " holds "
                            + found
                            + " bytes but dims "
                            + "and data type need "
                            + expected);
        }
    }

    private static ByteBuffer typedData(TensorProto proto, DType dtype, int count, String where) {
        ByteBuffer out =
                ByteBuffer.allocate(count * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case FLOAT32 -> {
                checkBytes(proto.getFloatDataCount(), count, "float_data (elements)", where);
                proto.getFloatDataList().forEach(out::putFloat);
            }
            case FLOAT64 -> {
                checkBytes(proto.getDoubleDataCount(), count, "double_data (elements)", where);
                proto.getDoubleDataList().forEach(out::putDouble);
            }
            case INT64 -> {
                checkBytes(proto.getInt64DataCount(), count, "int64_data (elements)", where);
                proto.getInt64DataList().forEach(out::putLong);
            }
            default -> {
                checkBytes(proto.getInt32DataCount(), count, "int32_data (elements)", where);
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
     * Encodes a tensor with its data in {@code raw_data}.
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
                        .setRawData(ByteString.copyFrom(tensor.data()));
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
        long count = 1;
        for (long dim : proto.getDimsList()) {
            count *= Math.max(dim, 0);
        }
        if (proto.hasRawData()) {
            return proto.getRawData().size();
        }
        return OnnxConstants.dtypeOf(proto.getDataType()).map(t -> t.byteSize()).orElse(1) * count;
    }
}
