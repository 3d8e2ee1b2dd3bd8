package org.amct.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.amct.onnx.proto.OnnxProtos.ModelProto;

/**
 * Estimates the heap that parsing an ONNX file takes, by walking its protobuf wire format without
 * building anything. Tensor bytes cost nothing (they alias the file's map), but every message,
 * string and repeated number becomes a Java object or array slot: a hostile file of a few megabytes
 * made of empty messages or one-byte numbers would need gigabytes. Counting first lets the reader
 * refuse such a file with a message instead of dying of {@link OutOfMemoryError}.
 */
final class WireScan {
    /**
     * Heap bytes per parsed message: object header, fields, list slot. Measured with protobuf-java
     * 4.33 on a 64-bit JVM: 67 for an empty NodeProto, 405 for a Relu node with a name, an op type,
     * an input and an output; these constants give 96 and 480.
     */
    static final long BYTES_PER_MESSAGE = 96;

    /** Heap bytes per string or bytes field (a ByteString view, later maybe a String). */
    static final long BYTES_PER_STRING = 96;

    /**
     * Heap bytes per number outside a packed field (a slot in a list or a field); packed numbers
     * count their slot size plus half for list growth (9.2 bytes measured per packed int64).
     */
    static final long BYTES_PER_VALUE = 12;

    /** Heap bytes per field protobuf does not know (kept as an unknown field). */
    static final long BYTES_PER_UNKNOWN = 96;

    private long messages;
    private long strings;
    private long values;
    private long valueBytes;
    private long unknown;

    private WireScan() {}

    /**
     * What parsing the file would build.
     *
     * @param messages messages, the model included
     * @param strings string and bytes fields
     * @param values numbers, packed or not
     * @param unknown fields outside the declared subset (kept as unknown fields)
     * @param heapBytes the estimated heap beyond the file's own bytes
     */
    record Counts(long messages, long strings, long values, long unknown, long heapBytes) {}

    /**
     * Counts what parsing {@code content} as a {@code ModelProto} would build. Bytes fields are
     * skipped, not read: on a memory-mapped file, tensor data is not even touched.
     *
     * @param content the file's content, from its position to its limit (not changed)
     * @return the counts, or empty when the bytes are not well-formed protobuf (the parser then
     *     reports where)
     */
    static Optional<Counts> of(ByteBuffer content) {
        WireScan scan = new WireScan();
        CodedInputStream in = CodedInputStream.newInstance(content.duplicate());
        try {
            scan.message(in, ModelProto.getDescriptor(), 0);
        } catch (IOException e) {
            return Optional.empty();
        }
        long heap =
                scan.messages * BYTES_PER_MESSAGE
                        + scan.strings * BYTES_PER_STRING
                        + scan.valueBytes
                        + scan.unknown * BYTES_PER_UNKNOWN;
        return Optional.of(
                new Counts(scan.messages, scan.strings, scan.values, scan.unknown, heap));
    }

    private void message(CodedInputStream in, Descriptor type, int depth) throws IOException {
        if (depth > OnnxModel.MAX_NESTING) {
            throw new InvalidProtocolBufferException("nested too deeply");
        }
        messages++;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            FieldDescriptor field = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
            int wireType = WireFormat.getTagWireType(tag);
            if (field == null) {
                unknown++;
                skip(in, tag, depth);
            } else if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                lengthDelimited(in, field, depth);
            } else {
                values++;
                valueBytes += BYTES_PER_VALUE;
                skip(in, tag, depth);
            }
        }
    }

    /**
     * Skips one field. Groups (a wire type ONNX does not use) are skipped here rather than by
     * protobuf, with the same depth limit as messages.
     */
    private static void skip(CodedInputStream in, int tag, int depth) throws IOException {
        switch (WireFormat.getTagWireType(tag)) {
            case WireFormat.WIRETYPE_VARINT -> in.readRawVarint64();
            case WireFormat.WIRETYPE_FIXED64 -> in.skipRawBytes(8);
            case WireFormat.WIRETYPE_FIXED32 -> in.skipRawBytes(4);
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
                int length = in.readRawVarint32();
                if (length < 0) {
                    throw new InvalidProtocolBufferException("negative length");
                }
                in.skipRawBytes(length);
            }
            case WireFormat.WIRETYPE_START_GROUP -> {
                if (depth >= OnnxModel.MAX_NESTING) {
                    throw new InvalidProtocolBufferException("groups nested too deeply");
                }
                int end = (WireFormat.getTagFieldNumber(tag) << 3) | WireFormat.WIRETYPE_END_GROUP;
                while (true) {
                    int inner = in.readTag();
                    if (inner == end) {
                        return;
                    }
                    if (inner == 0) {
                        throw new InvalidProtocolBufferException("group not ended");
                    }
                    skip(in, inner, depth + 1);
                }
            }
            default -> throw new InvalidProtocolBufferException("unexpected wire type");
        }
    }

    private void lengthDelimited(CodedInputStream in, FieldDescriptor field, int depth)
            throws IOException {
        int length = in.readRawVarint32();
        if (length < 0) {
            throw new InvalidProtocolBufferException("negative length");
        }
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            int limit = in.pushLimit(length);
            message(in, field.getMessageType(), depth + 1);
            in.popLimit(limit);
        } else if (field.getJavaType() == FieldDescriptor.JavaType.STRING
                || field.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING) {
            strings++;
            in.skipRawBytes(length);
        } else {
            long count = packedCount(in, field, length);
            values += count;
            // A primitive list of 4- or 8-byte slots, grown by half at most.
            valueBytes += count * elementBytes(field) * 3 / 2;
        }
    }

    private static long elementBytes(FieldDescriptor field) {
        return switch (field.getJavaType()) {
            case LONG, DOUBLE -> 8;
            case BOOLEAN -> 1;
            default -> 4;
        };
    }

    /** The numbers in a packed field of {@code length} bytes; consumes them. */
    private static long packedCount(CodedInputStream in, FieldDescriptor field, int length)
            throws IOException {
        switch (field.getType()) {
            case FLOAT, FIXED32, SFIXED32 -> {
                in.skipRawBytes(length);
                return length / 4;
            }
            case DOUBLE, FIXED64, SFIXED64 -> {
                in.skipRawBytes(length);
                return length / 8;
            }
            default -> {
                // Varints: one value per byte without the continuation bit.
                long count = 0;
                for (int i = 0; i < length; i++) {
                    if ((in.readRawByte() & 0x80) == 0) {
                        count++;
                    }
                }
                return count;
            }
        }
    }
}
