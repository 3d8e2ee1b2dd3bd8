package org.amct.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.exception.Quoted;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;

/**
 * Checks a whole parsed model before anything is mapped or written, so that a file which ONNX
 * parsers would reject is refused instead of being carried into the output:
 *
 * <ul>
 *   <li>every string field of the declared schema is valid UTF-8 (protobuf requires it, but
 *       protobuf-java does not check proto2 strings, and writes the bytes back as they came);
 *   <li>every tensor (initializers and {@code Constant} values, used by a Conv or not, in the main
 *       graph and in subgraphs) has non-negative dims, at most {@value #MAX_ELEMENTS} elements, a
 *       known data location, and data whose length fits its dims and data type: {@code raw_data},
 *       the typed field, or the range of its external data file.
 * </ul>
 *
 * <p>Each failure is a {@link ModelFormatException} naming the file, the tensor or field (its path
 * in the model, such as {@code graph.node[3].attribute[0].t}) and what was expected. Fields kept as
 * unknown (outside amct's schema subset) are written back unchanged and not checked.
 */
final class ModelValidator {
    /** The most elements a tensor may declare: what one Java array or buffer can index. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    /** ONNX's STRING data type. */
    private static final int STRING = 8;

    private final String source;
    private final Path modelFolder;
    private final Set<Path> dataFiles = new LinkedHashSet<>();

    private ModelValidator(String source, Path modelFolder) {
        this.source = source;
        this.modelFolder = modelFolder;
    }

    /**
     * Checks a model.
     *
     * @param content the file's content, for the string check on the wire (not changed)
     * @param proto the parsed model
     * @param modelFolder the model's folder, for external data
     * @param source the file name, for messages
     * @return the real paths of the external data files the model's tensors name, in model order
     * @throws IOException if an external data file cannot be read
     * @throws ModelFormatException naming the first violation
     */
    static List<Path> validate(
            ByteBuffer content, ModelProto proto, Path modelFolder, String source)
            throws IOException {
        ModelValidator validator = new ModelValidator(source, modelFolder);
        validator.strings(content);
        validator.graph(proto.getGraph(), "graph", true);
        return List.copyOf(validator.dataFiles);
    }

    // ---- strings -----------------------------------------------------------------------------

    /**
     * Walks the wire format, checking each string field of the declared schema; bytes fields
     * (tensor data) are skipped without being read.
     */
    private void strings(ByteBuffer content) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(content.duplicate());
        in.setRecursionLimit(OnnxModel.MAX_NESTING);
        message(in, ModelProto.getDescriptor(), new ArrayList<>(), 0);
    }

    private void message(CodedInputStream in, Descriptor type, List<String> path, int depth)
            throws IOException {
        Map<Integer, Integer> seen = new HashMap<>();
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            int number = WireFormat.getTagFieldNumber(tag);
            FieldDescriptor field = type.findFieldByNumber(number);
            if (field == null
                    || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag);
                continue;
            }
            int index = seen.merge(number, 1, Integer::sum) - 1;
            String segment = field.getName() + (field.isRepeated() ? "[" + index + "]" : "");
            if (field.getType() == FieldDescriptor.Type.MESSAGE && depth < OnnxModel.MAX_NESTING) {
                int length = in.readRawVarint32();
                int limit = in.pushLimit(length);
                path.add(segment);
                message(in, field.getMessageType(), path, depth + 1);
                path.remove(path.size() - 1);
                in.popLimit(limit);
            } else if (field.getType() == FieldDescriptor.Type.STRING) {
                byte[] value = in.readByteArray();
                int bad = firstInvalidUtf8(value);
                if (bad >= 0) {
                    path.add(segment);
                    throw new ModelFormatException(
                            "ONNX file "
                                    + Quoted.of(source)
                                    + ": string field "
                                    + Quoted.of(String.join(".", path))
                                    + " is not valid UTF-8 (bad byte 0x"
                                    + String.format("%02x", value[bad] & 0xff)
                                    + " at offset "
                                    + bad
                                    + " of "
                                    + value.length
                                    + "); protobuf requires string fields to be UTF-8 and ONNX"
                                    + " parsers reject the file. Fix or re-export the model.");
                }
            } else {
                in.skipField(tag);
            }
        }
    }

    /** The offset of the first byte that is not valid UTF-8, or -1. */
    static int firstInvalidUtf8(byte[] value) {
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(value);
        CharBuffer out = CharBuffer.allocate(Math.min(value.length, 8192) + 2);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return in.position();
            }
            if (result.isUnderflow()) {
                result = decoder.flush(out);
                return result.isError() ? in.position() : -1;
            }
            out.clear();
        }
    }

    // ---- tensors -----------------------------------------------------------------------------

    private void graph(GraphProto graph, String path, boolean main) throws IOException {
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            tensor(graph.getInitializer(i), path + ".initializer[" + i + "]", null, main);
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            String constantOutput =
                    main && node.getOutputCount() == 1 && node.getOpType().equals("Constant")
                            ? node.getOutput(0)
                            : null;
            for (int a = 0; a < node.getAttributeCount(); a++) {
                AttributeProto attribute = node.getAttribute(a);
                String at = path + ".node[" + i + "].attribute[" + a + "]";
                if (attribute.hasT()) {
                    boolean value = constantOutput != null && attribute.getName().equals("value");
                    tensor(attribute.getT(), at + ".t", value ? constantOutput : null, main);
                }
                for (int t = 0; t < attribute.getTensorsCount(); t++) {
                    tensor(attribute.getTensors(t), at + ".tensors[" + t + "]", null, false);
                }
                if (attribute.hasG()) {
                    graph(attribute.getG(), at + ".g", false);
                }
                for (int g = 0; g < attribute.getGraphsCount(); g++) {
                    graph(attribute.getGraphs(g), at + ".graphs[" + g + "]", false);
                }
            }
        }
    }

    /**
     * Checks one tensor. A tensor the reader may decode later (an initializer or Constant value of
     * the main graph) is named as the reader names it; others also get their path.
     */
    private void tensor(TensorProto tensor, String path, String valueName, boolean main)
            throws IOException {
        String name = valueName != null ? valueName : tensor.getName();
        String where =
                "ONNX file '"
                        + source
                        + "', tensor "
                        + Quoted.of(name)
                        + (main && (valueName != null || !path.contains(".node["))
                                ? ""
                                : " (" + path + ")");
        long count = TensorCodec.elementCount(tensor, where);
        if (tensor.getDataType() == 0) {
            throw new ModelFormatException(
                    where + ": data_type is 0 (UNDEFINED); every tensor needs a data type");
        }
        if (tensor.hasSegment()) {
            return; // a part of a larger tensor: its length is the whole's business
        }
        ElementSize size = ElementSize.of(tensor.getDataType());
        if (tensor.getDataType() == STRING
                && (tensor.hasRawData() || tensor.getDataLocation() != 0)) {
            throw new ModelFormatException(
                    where
                            + ": data_type is 8 (STRING), whose values belong in string_data, not in "
                            + (tensor.hasRawData() ? "raw_data" : "external data"));
        }
        if (size != null) {
            checkOneStorage(tensor, size, where);
        }
        if (tensor.getDataLocation() == OnnxConstants.EXTERNAL) {
            external(tensor, count, size, where);
        } else if (tensor.getDataLocation() != 0) {
            throw new ModelFormatException(
                    where
                            + ": data_location is "
                            + tensor.getDataLocation()
                            + ", expected 0 (DEFAULT) or 1 (EXTERNAL)");
        } else if (tensor.hasRawData()) {
            if (size != null && size.bytes(count) != tensor.getRawData().size()) {
                throw new ModelFormatException(
                        where
                                + ": raw_data holds "
                                + tensor.getRawData().size()
                                + " bytes but dims "
                                + tensor.getDimsList()
                                + " of "
                                + OnnxConstants.dataTypeName(tensor.getDataType())
                                + " need "
                                + size.bytes(count));
            }
        } else if (size != null) {
            typed(tensor, count, size, where);
        }
    }

    /**
     * Values in a typed field that does not belong to the data type, or in a typed field besides
     * {@code raw_data}, would be carried into the output as they are: ONNX keeps a tensor's values
     * in one place.
     */
    private static void checkOneStorage(TensorProto tensor, ElementSize size, String where) {
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        counts.put("float_data", tensor.getFloatDataCount());
        counts.put("int32_data", tensor.getInt32DataCount());
        counts.put("string_data", tensor.getStringDataCount());
        counts.put("int64_data", tensor.getInt64DataCount());
        counts.put("double_data", tensor.getDoubleDataCount());
        counts.put("uint64_data", tensor.getUint64DataCount());
        boolean elsewhere =
                tensor.hasRawData() || tensor.getDataLocation() == OnnxConstants.EXTERNAL;
        for (Map.Entry<String, Integer> field : counts.entrySet()) {
            if (field.getValue() == 0) {
                continue;
            }
            if (!field.getKey().equals(size.field())) {
                throw new ModelFormatException(
                        where
                                + ": "
                                + field.getKey()
                                + " holds "
                                + field.getValue()
                                + " values but a tensor of "
                                + OnnxConstants.dataTypeName(tensor.getDataType())
                                + " keeps its values in "
                                + size.field()
                                + (size.bits() > 0 ? " or raw_data" : ""));
            }
            if (elsewhere) {
                throw new ModelFormatException(
                        where
                                + ": "
                                + field.getKey()
                                + " holds "
                                + field.getValue()
                                + " values besides "
                                + (tensor.hasRawData() ? "raw_data" : "external data")
                                + "; a tensor keeps its values in one place");
            }
        }
    }

    private void typed(TensorProto tensor, long count, ElementSize size, String where) {
        int found =
                switch (size.field()) {
                    case "float_data" -> tensor.getFloatDataCount();
                    case "double_data" -> tensor.getDoubleDataCount();
                    case "int64_data" -> tensor.getInt64DataCount();
                    case "uint64_data" -> tensor.getUint64DataCount();
                    case "string_data" -> tensor.getStringDataCount();
                    default -> tensor.getInt32DataCount();
                };
        long expected = count * size.valuesPerElement();
        // 4-bit types may be packed two to a value or stored one per value.
        boolean fits = found == expected || (size.packed() && found == (count + 1) / 2);
        if (!fits) {
            throw new ModelFormatException(
                    where
                            + ": "
                            + size.field()
                            + " holds "
                            + found
                            + " values but dims "
                            + tensor.getDimsList()
                            + " of "
                            + OnnxConstants.dataTypeName(tensor.getDataType())
                            + " need "
                            + expected
                            + (found == 0 ? " (the tensor has no data: no raw_data either)" : ""));
        }
    }

    private void external(TensorProto tensor, long count, ElementSize size, String where)
            throws IOException {
        ExternalData data = ExternalData.of(tensor, where);
        if (size == null) {
            dataFiles.add(data.resolve(modelFolder, where));
            return;
        }
        long bytes = size.bytes(count);
        if (data.length().isPresent() && data.length().getAsLong() != bytes) {
            throw new ModelFormatException(
                    where
                            + ": external_data length is "
                            + data.length().getAsLong()
                            + " bytes but the dims and data type need "
                            + bytes);
        }
        Path file = data.resolve(modelFolder, where);
        dataFiles.add(file);
        long fileSize;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            fileSize = channel.size();
        }
        if (data.offset() > fileSize || bytes > fileSize - data.offset()) {
            throw new ModelFormatException(
                    where
                            + ": external data needs bytes "
                            + data.offset()
                            + " to "
                            + (data.offset() > Long.MAX_VALUE - bytes
                                    ? "beyond 2^63"
                                    : Long.toString(data.offset() + bytes))
                            + " of "
                            + Quoted.of(data.location())
                            + " but the file has "
                            + fileSize
                            + " bytes. The file is truncated or belongs to another model.");
        }
    }

    /**
     * How an ONNX data type is stored: the bytes per element in {@code raw_data} and the typed
     * field that holds it otherwise (ONNX's {@code TensorProto} comments).
     *
     * @param bits bits per element in {@code raw_data} (4 for the packed 4-bit types)
     * @param field the typed field
     * @param valuesPerElement values of that field per element (2 for complex types)
     * @param packed whether two elements share a byte
     */
    record ElementSize(int bits, String field, int valuesPerElement, boolean packed) {
        long bytes(long count) {
            return (count * bits + 7) / 8;
        }

        /** The storage of an ONNX data type, or {@code null} for strings and unknown types. */
        static ElementSize of(int dataType) {
            return switch (dataType) {
                case 1 -> new ElementSize(32, "float_data", 1, false); // FLOAT
                case 2, 3, 9 -> new ElementSize(8, "int32_data", 1, false); // UINT8 INT8 BOOL
                case 4, 5, 10, 16 -> new ElementSize(16, "int32_data", 1, false); // 16-bit
                case 6 -> new ElementSize(32, "int32_data", 1, false); // INT32
                case 7 -> new ElementSize(64, "int64_data", 1, false); // INT64
                case 11 -> new ElementSize(64, "double_data", 1, false); // DOUBLE
                case 12 -> new ElementSize(32, "uint64_data", 1, false); // UINT32
                case 13 -> new ElementSize(64, "uint64_data", 1, false); // UINT64
                case 14 -> new ElementSize(64, "float_data", 2, false); // COMPLEX64
                case 15 -> new ElementSize(128, "double_data", 2, false); // COMPLEX128
                case 17, 18, 19, 20, 24 -> new ElementSize(8, "int32_data", 1, false); // FLOAT8*
                case 21, 22, 23 -> new ElementSize(4, "int32_data", 1, true); // 4-bit
                case STRING -> new ElementSize(0, "string_data", 1, false); // no raw form
                default -> null; // types newer than this reader
            };
        }
    }
}
