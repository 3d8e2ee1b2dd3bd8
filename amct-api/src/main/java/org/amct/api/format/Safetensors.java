package org.amct.api.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.exception.Quoted;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.amct.api.io.AtomicFiles;
import org.amct.api.schema.SafetensorsHeader;
import org.amct.api.schema.SafetensorsHeaderCodec;
import org.amct.api.schema.SafetensorsHeaderEntry;

/**
 * Reads and writes safetensors files: an 8-byte little-endian header length, a JSON header, then
 * the tensors' little-endian bytes. Reading checks every declared size and offset against the
 * file's real size before allocating anything. Writing is atomic. Thread-safe.
 */
public final class Safetensors {
    /** The largest header accepted, as the safetensors reference implementation does. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private Safetensors() {}

    /**
     * Reads a whole file.
     *
     * @param file the file
     * @return its tensors (in offset order) and metadata
     * @throws IOException if the file cannot be read
     * @throws ModelFormatException if the file is malformed; the message names the file and the
     *     tensor
     */
    public static WeightsFile read(Path file) throws IOException {
        String source = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long headerLength = readHeaderLength(channel, size, source);
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8, source);
            SafetensorsHeader parsed = SafetensorsHeaderCodec.parse(header.array(), source);
            long dataStart = 8 + headerLength;
            List<SafetensorsHeaderEntry> entries =
                    checkLayout(parsed.entries(), size - dataStart, source);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (SafetensorsHeaderEntry entry : entries) {
                tensors.put(entry.name(), readTensor(channel, entry, dataStart, source));
            }
            return new WeightsFile(tensors, parsed.metadata());
        }
    }

    private static long readHeaderLength(FileChannel channel, long size, String source)
            throws IOException {
        if (size < 8) {
            throw new ModelFormatException(
                    "Safetensors file '"
                            + source
                            + "' is "
                            + size
                            + " bytes: too short for the"
                            + " 8-byte header length. Is it a safetensors file?");
        }
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, length, 0, source);
        long headerLength = length.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            throw new ModelFormatException(
                    "Safetensors file '"
                            + source
                            + "' declares a header of "
                            + Long.toUnsignedString(headerLength)
                            + " bytes but the file has "
                            + (size - 8)
                            + " bytes after the length field (limit "
                            + MAX_HEADER_BYTES
                            + "). The file is truncated or not a safetensors file.");
        }
        return headerLength;
    }

    /** Checks dtypes, shapes and that the offsets tile the data section exactly. */
    private static List<SafetensorsHeaderEntry> checkLayout(
            List<SafetensorsHeaderEntry> entries, long dataLength, String source) {
        List<SafetensorsHeaderEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(SafetensorsHeaderEntry::begin));
        long expectedBegin = 0;
        for (SafetensorsHeaderEntry entry : sorted) {
            DType dtype = dtypeOf(entry, source);
            long bytes = elementCount(entry, source) * dtype.byteSize();
            String where = "Safetensors file '" + source + "', tensor " + Quoted.of(entry.name());
            if (entry.begin() != expectedBegin || entry.end() - entry.begin() != bytes) {
                throw new ModelFormatException(
                        where
                                + ": data_offsets ["
                                + entry.begin()
                                + ", "
                                + entry.end()
                                + "] do not fit: expected ["
                                + expectedBegin
                                + ", "
                                + (expectedBegin + bytes)
                                + "] for "
                                + bytes
                                + " bytes of "
                                + dtype
                                + " data laid out after the previous tensor");
            }
            if (entry.end() > dataLength) {
                throw new ModelFormatException(
                        where
                                + ": data ends at byte "
                                + entry.end()
                                + " but the data section has "
                                + dataLength
                                + " bytes. The file is truncated.");
            }
            expectedBegin = entry.end();
        }
        if (expectedBegin != dataLength) {
            throw new ModelFormatException(
                    "Safetensors file '"
                            + source
                            + "': the tensors cover "
                            + expectedBegin
                            + " bytes but the data section has "
                            + dataLength
                            + " bytes");
        }
        return sorted;
    }

    private static DType dtypeOf(SafetensorsHeaderEntry entry, String source) {
        return DType.fromSafetensorsCode(entry.dtype())
                .orElseThrow(
                        () ->
                                new ModelFormatException(
                                        "Safetensors file '"
                                                + source
                                                + "', tensor "
                                                + Quoted.of(entry.name())
                                                + ": unsupported dtype "
                                                + Quoted.of(entry.dtype())
                                                + " (supported: F16, BF16, F32, F64, I8, U8, I32, I64)"));
    }

    private static long elementCount(SafetensorsHeaderEntry entry, String source) {
        long count = 1;
        for (long dim : entry.shape()) {
            if (dim < 1 || dim > Integer.MAX_VALUE) {
                throw new ModelFormatException(
                        "Safetensors file '"
                                + source
                                + "', tensor "
                                + Quoted.of(entry.name())
                                + ": dimension "
                                + dim
                                + " in shape "
                                + java.util.Arrays.toString(entry.shape())
                                + " is out of range (each must be 1 .. 2^31-1)");
            }
            if (count > Integer.MAX_VALUE / dim) {
                throw new ModelFormatException(
                        "Safetensors file '"
                                + source
                                + "', tensor "
                                + Quoted.of(entry.name())
                                + ": shape "
                                + java.util.Arrays.toString(entry.shape())
                                + " has more than 2^31 elements");
            }
            count *= dim;
        }
        return count;
    }

    private static Tensor readTensor(
            FileChannel channel, SafetensorsHeaderEntry entry, long dataStart, String source)
            throws IOException {
        DType dtype = dtypeOf(entry, source);
        int[] shape = new int[entry.shape().length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = (int) entry.shape()[i];
        }
        ByteBuffer data = ByteBuffer.allocate((int) (entry.end() - entry.begin()));
        readFully(channel, data, dataStart + entry.begin(), source);
        data.flip();
        return Tensor.wrap(dtype, shape, data);
    }

    private static void readFully(
            FileChannel channel, ByteBuffer buffer, long position, String source)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new ModelFormatException(
                        "Safetensors file '" + source + "' ended early at byte " + at);
            }
            at += read;
        }
    }

    /**
     * Writes tensors and metadata atomically.
     *
     * @param file the target; replaced only when complete
     * @param tensors tensors by name, written in this order
     * @param metadata free-form strings stored as {@code __metadata__}; may be empty
     * @throws IOException if writing fails; the target is then unchanged
     * @throws IllegalArgumentException if a tensor is empty or a name is {@code __metadata__}
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<SafetensorsHeaderEntry> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> named : tensors.entrySet()) {
            Tensor tensor = named.getValue();
            if (named.getKey().equals("__metadata__") || tensor.numel() == 0) {
                throw new IllegalArgumentException(
                        "Cannot write tensor '"
                                + named.getKey()
                                + "': reserved name or no elements");
            }
            long[] shape = java.util.Arrays.stream(tensor.shape()).asLongStream().toArray();
            entries.add(
                    new SafetensorsHeaderEntry(
                            named.getKey(),
                            tensor.dtype().safetensorsCode(),
                            shape,
                            offset,
                            offset + tensor.byteSize()));
            offset += tensor.byteSize();
        }
        byte[] header = SafetensorsHeaderCodec.write(entries, metadata);
        AtomicFiles.write(
                file,
                out -> {
                    ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                    out.write(length.putLong(header.length).array());
                    out.write(header);
                    WritableByteChannel channel = Channels.newChannel(out);
                    for (Tensor tensor : tensors.values()) {
                        ByteBuffer data = tensor.data();
                        while (data.hasRemaining()) {
                            channel.write(data);
                        }
                    }
                    out.flush();
                });
    }
}
