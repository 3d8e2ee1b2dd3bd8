package org.amct.onnx;

import java.util.Optional;
import org.amct.api.graph.DType;

/** Codes of the ONNX specification that the generated classes keep as plain integers. */
final class OnnxConstants {
    /** {@code TensorProto.DataType.FLOAT}. */
    static final int FLOAT = 1;

    /** {@code TensorProto.DataType.UINT8}. */
    static final int UINT8 = 2;

    /** {@code TensorProto.DataType.INT8}. */
    static final int INT8 = 3;

    /** {@code TensorProto.DataType.INT32}. */
    static final int INT32 = 6;

    /** {@code TensorProto.DataType.INT64}. */
    static final int INT64 = 7;

    /** {@code TensorProto.DataType.FLOAT16}. */
    static final int FLOAT16 = 10;

    /** {@code TensorProto.DataType.DOUBLE}. */
    static final int DOUBLE = 11;

    /** {@code TensorProto.DataType.BFLOAT16}. */
    static final int BFLOAT16 = 16;

    /** {@code TensorProto.DataLocation.EXTERNAL}. */
    static final int EXTERNAL = 1;

    /** {@code AttributeProto.AttributeType.STRING}. */
    static final int ATTRIBUTE_STRING = 3;

    /** {@code AttributeProto.AttributeType.TENSOR}. */
    static final int ATTRIBUTE_TENSOR = 4;

    /** {@code AttributeProto.AttributeType.INT}. */
    static final int ATTRIBUTE_INT = 2;

    /** {@code AttributeProto.AttributeType.INTS}. */
    static final int ATTRIBUTE_INTS = 7;

    /** The default operator domain, also spelt {@code ai.onnx}. */
    static final String DEFAULT_DOMAIN = "ai.onnx";

    private OnnxConstants() {}

    /** The dtype of an ONNX data type code, if we support it. */
    static Optional<DType> dtypeOf(int dataType) {
        return Optional.ofNullable(
                switch (dataType) {
                    case FLOAT -> DType.FLOAT32;
                    case DOUBLE -> DType.FLOAT64;
                    case FLOAT16 -> DType.FLOAT16;
                    case BFLOAT16 -> DType.BFLOAT16;
                    case INT8 -> DType.INT8;
                    case UINT8 -> DType.UINT8;
                    case INT32 -> DType.INT32;
                    case INT64 -> DType.INT64;
                    default -> null;
                });
    }

    /**
     * The name of an ONNX data type code, for messages.
     *
     * @param dataType a {@code TensorProto.DataType} value
     * @return for example {@code "STRING"}, or {@code "unknown"} for a code ONNX does not define
     */
    static String dataTypeName(int dataType) {
        String[] names = {
            "UNDEFINED",
            "FLOAT",
            "UINT8",
            "INT8",
            "UINT16",
            "INT16",
            "INT32",
            "INT64",
            "STRING",
            "BOOL",
            "FLOAT16",
            "DOUBLE",
            "UINT32",
            "UINT64",
            "COMPLEX64",
            "COMPLEX128",
            "BFLOAT16",
            "FLOAT8E4M3FN",
            "FLOAT8E4M3FNUZ",
            "FLOAT8E5M2",
            "FLOAT8E5M2FNUZ",
            "UINT4",
            "INT4",
            "FLOAT4E2M1",
            "FLOAT8E8M0"
        };
        return dataType >= 0 && dataType < names.length ? names[dataType] : "unknown";
    }

    /**
     * The name of an {@code AttributeProto.AttributeType} code, for messages.
     *
     * @param type the code
     * @return for example {@code "INTS"}, or the number when ONNX does not define it
     */
    static String attributeTypeName(int type) {
        String[] names = {
            "UNDEFINED",
            "FLOAT",
            "INT",
            "STRING",
            "TENSOR",
            "GRAPH",
            "FLOATS",
            "INTS",
            "STRINGS",
            "TENSORS",
            "GRAPHS",
            "SPARSE_TENSOR",
            "SPARSE_TENSORS",
            "TYPE_PROTO",
            "TYPE_PROTOS"
        };
        return type >= 0 && type < names.length ? names[type] : Integer.toString(type);
    }

    /** The ONNX data type code of a dtype. */
    static int dataTypeOf(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> FLOAT;
            case FLOAT64 -> DOUBLE;
            case FLOAT16 -> FLOAT16;
            case BFLOAT16 -> BFLOAT16;
            case INT8 -> INT8;
            case UINT8 -> UINT8;
            case INT32 -> INT32;
            case INT64 -> INT64;
        };
    }

    /** Whether a node's domain is the default ONNX operator set. */
    static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals(DEFAULT_DOMAIN);
    }
}
