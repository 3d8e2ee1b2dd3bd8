package org.amct.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import org.amct.api.exception.ModelFormatException;
import org.amct.onnx.proto.OnnxProtos.StringStringEntryProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;

/**
 * Tensor data kept outside the model file ({@code data_location = EXTERNAL}): a file named by
 * {@code location}, relative to the model's folder and never outside it, read from {@code offset}
 * for {@code length} bytes.
 *
 * @param location the file name as written in the model
 * @param offset the first byte of the data in that file
 * @param length the number of bytes, when the model says
 */
record ExternalData(String location, long offset, OptionalLong length) {
    /** The key of the file name. */
    static final String LOCATION = "location";

    /** The key of the start offset. */
    static final String OFFSET = "offset";

    /** The key of the byte count. */
    static final String LENGTH = "length";

    /**
     * Reads the reference of an external tensor.
     *
     * @param tensor a tensor with {@code data_location = EXTERNAL}
     * @param where names the file and tensor, for messages
     * @return the reference
     * @throws ModelFormatException if the location is missing or a number is malformed
     */
    static ExternalData of(TensorProto tensor, String where) {
        String location = null;
        long offset = 0;
        OptionalLong length = OptionalLong.empty();
        for (StringStringEntryProto entry : tensor.getExternalDataList()) {
            switch (entry.getKey()) {
                case LOCATION -> location = entry.getValue();
                case OFFSET -> offset = parseCount(entry, where);
                case LENGTH -> length = OptionalLong.of(parseCount(entry, where));
                default -> {
                    // checksum and other keys do not change where the data is.
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new ModelFormatException(
                    where + ": data_location is EXTERNAL but external_data has no 'location'");
        }
        return new ExternalData(location, offset, length);
    }

    private static long parseCount(StringStringEntryProto entry, String where) {
        try {
            long value = Long.parseLong(entry.getValue().trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the field's name
        }
        throw new ModelFormatException(
                where
                        + ": external_data '"
                        + entry.getKey()
                        + "' is '"
                        + entry.getValue()
                        + "', expected a byte count >= 0");
    }

    /**
     * The data file, checked to lie inside the model's folder (symbolic links resolved).
     *
     * @param modelFolder the folder of the model file
     * @param where names the file and tensor, for messages
     * @return the data file's real path
     * @throws IOException if the folder cannot be resolved
     * @throws ModelFormatException if the location leaves the folder or the file is missing
     */
    Path resolve(Path modelFolder, String where) throws IOException {
        Path folder = modelFolder.toRealPath();
        Path relative;
        try {
            relative = Path.of(location);
        } catch (InvalidPathException e) {
            throw new ModelFormatException(
                    where
                            + ": external data location '"
                            + printable(location)
                            + "' is not a valid file name here ("
                            + e.getReason()
                            + ")",
                    e);
        }
        Path candidate = folder.resolve(relative).normalize();
        if (relative.isAbsolute() || !candidate.startsWith(folder)) {
            throw new ModelFormatException(
                    where
                            + ": external data location '"
                            + location
                            + "' is outside the model's folder "
                            + folder
                            + ". Only files in that folder (or below it) are read.");
        }
        try {
            Path real = candidate.toRealPath();
            if (!real.startsWith(folder)) {
                throw new ModelFormatException(
                        where
                                + ": external data location '"
                                + location
                                + "' links to "
                                + real
                                + ", outside the model's folder "
                                + folder);
            }
            if (!Files.isRegularFile(real)) {
                throw new ModelFormatException(
                        where
                                + ": external data location '"
                                + location
                                + "' is "
                                + (Files.isDirectory(real) ? "a folder" : "not a regular file")
                                + ", expected the data file");
            }
            return real;
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(
                    where
                            + ": external data file '"
                            + location
                            + "' not found in "
                            + folder
                            + ". Keep the data file next to the model.",
                    e);
        }
    }

    /** The location with control characters escaped, for messages. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints()
                .forEach(
                        c -> {
                            if (Character.isISOControl(c)) {
                                out.append(String.format(Locale.ROOT, "\\u%04x", c));
                            } else {
                                out.appendCodePoint(c);
                            }
                        });
        return out.toString();
    }

    /**
     * The bytes of the tensor, memory-mapped (see {@link MappedFiles}): nothing is copied into the
     * heap.
     *
     * @param modelFolder the folder of the model file
     * @param files the maps of this read or write
     * @param expectedBytes the size that the tensor's dims and data type call for
     * @param where names the file and tensor, for messages
     * @return a read-only little-endian buffer of {@code expectedBytes} bytes, positioned at 0
     * @throws IOException if the file cannot be mapped or read
     * @throws ModelFormatException if the sizes do not fit
     */
    ByteBuffer read(Path modelFolder, MappedFiles files, long expectedBytes, String where)
            throws IOException {
        if (length.isPresent() && length.getAsLong() != expectedBytes) {
            throw new ModelFormatException(
                    where
                            + ": external_data length is "
                            + length.getAsLong()
                            + " bytes but the dims and data type need "
                            + expectedBytes);
        }
        Path file = resolve(modelFolder, where);
        long size = files.size(file);
        if (offset > size || expectedBytes > size - offset) {
            throw new ModelFormatException(
                    where
                            + ": external data needs bytes "
                            + offset
                            + " to "
                            + (offset > Long.MAX_VALUE - expectedBytes
                                    ? "beyond 2^63"
                                    : Long.toString(offset + expectedBytes))
                            + " of '"
                            + location
                            + "' but the file has "
                            + size
                            + " bytes. The file is truncated or belongs to another model.");
        }
        if (expectedBytes > TensorCodec.MAX_BUFFER_BYTES) {
            throw new ModelFormatException(
                    where
                            + ": external data of "
                            + expectedBytes
                            + " bytes is more than the 2 GiB one tensor may hold in amct");
        }
        return files.slice(file, offset, expectedBytes, where);
    }
}
