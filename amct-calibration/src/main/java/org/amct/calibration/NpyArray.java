package org.amct.calibration;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amct.api.graph.DType;

/**
 * A NumPy {@code .npy} file (format versions 1 to 3), read lazily: the header is parsed on open,
 * then samples along the leading axis are read on demand with positional reads, so a file larger
 * than the heap can be streamed. Element types: float32, float64 and uint8, either byte order; C
 * order only.
 */
public final class NpyArray {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** The largest header we accept; real headers are under 200 bytes. */
    private static final int MAX_HEADER = 1 << 16;

    private final Path file;
    private final DType dtype;
    private final ByteOrder order;
    private final long[] shape;
    private final long dataOffset;

    private NpyArray(Path file, DType dtype, ByteOrder order, long[] shape, long dataOffset) {
        this.file = file;
        this.dtype = dtype;
        this.order = order;
        this.shape = shape;
        this.dataOffset = dataOffset;
    }

    /**
     * Opens a file and reads its header.
     *
     * @param file the {@code .npy} file
     * @return the array
     * @throws IOException if the file cannot be read
     * @throws CalibrationDataException if it is not a {@code .npy} array we can read, or is shorter
     *     than its header says
     */
    public static NpyArray open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer preamble = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, preamble, 0, file);
            preamble.flip();
            byte[] magic = new byte[6];
            preamble.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw bad(file, "it does not start with the .npy magic bytes \\x93NUMPY");
            }
            int major = Byte.toUnsignedInt(preamble.get());
            preamble.get(); // minor version
            long headerLength;
            int headerStart;
            if (major == 1) {
                headerLength = Short.toUnsignedInt(preamble.getShort());
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                headerLength = Integer.toUnsignedLong(preamble.getInt());
                headerStart = 12;
            } else {
                throw bad(file, "format version " + major + " is not 1, 2 or 3");
            }
            if (headerLength > MAX_HEADER || headerStart + headerLength > size) {
                throw bad(file, "its header length " + headerLength + " does not fit the file");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, headerStart, file);
            String text =
                    new String(
                            header.array(),
                            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            NpyArray array = parse(file, text, headerStart + headerLength);
            long needed = array.dataOffset + array.elementCount() * array.dtype.byteSize();
            if (size < needed) {
                throw bad(
                        file,
                        String.format(
                                Locale.ROOT,
                                "its header says %s %s (%,d bytes of data) but the file has"
                                        + " only %,d bytes after the header; was it copied"
                                        + " completely?",
                                describe(array.dtype),
                                Arrays.toString(array.shape),
                                needed - array.dataOffset,
                                size - array.dataOffset));
            }
            return array;
        }
    }

    private static NpyArray parse(Path file, String header, long dataOffset) {
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeText.find()) {
            throw bad(file, "its header is not a .npy header: " + header.strip());
        }
        if (fortran.group(1).equals("True")) {
            throw bad(
                    file,
                    "it is stored in Fortran order; save it in C order"
                            + " (numpy.ascontiguousarray) and try again");
        }
        String code = descr.group(1);
        ByteOrder order = code.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        DType dtype =
                switch (code.replaceFirst("^[<>|=]", "")) {
                    case "f4" -> DType.FLOAT32;
                    case "f8" -> DType.FLOAT64;
                    case "u1" -> DType.UINT8;
                    default ->
                            throw bad(
                                    file,
                                    "its dtype '"
                                            + code
                                            + "' is not supported; use float32, float64 or uint8");
                };
        String[] parts = shapeText.group(1).split(",");
        long[] shape =
                Arrays.stream(parts)
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .mapToLong(s -> parseDim(file, s))
                        .toArray();
        if (shape.length == 0) {
            throw bad(file, "it holds a scalar, not an array of samples");
        }
        return new NpyArray(file, dtype, order, shape, dataOffset);
    }

    private static long parseDim(Path file, String text) {
        try {
            long dim = Long.parseLong(text.replace("L", ""));
            if (dim < 0) {
                throw bad(file, "its shape has a negative dimension " + dim);
            }
            return dim;
        } catch (NumberFormatException e) {
            throw new CalibrationDataException(
                    "Calibration file '"
                            + file
                            + "': shape dimension '"
                            + text
                            + "' is not a number",
                    e);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long at, Path file)
            throws IOException {
        long position = at;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw bad(file, "it ends after " + position + " bytes, in the middle of its data");
            }
            position += read;
        }
    }

    private static CalibrationDataException bad(Path file, String why) {
        return new CalibrationDataException(
                "Calibration file '" + file + "' cannot be read as a .npy array: " + why);
    }

    static String describe(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "float32";
            case FLOAT64 -> "float64";
            case UINT8 -> "uint8";
            default -> dtype.name().toLowerCase(Locale.ROOT);
        };
    }

    /**
     * The file.
     *
     * @return the path as opened
     */
    public Path file() {
        return file;
    }

    /**
     * The element type stored in the file.
     *
     * @return float32, float64 or uint8
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The shape stored in the file.
     *
     * @return a copy
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The number of elements.
     *
     * @return the product of the dimensions
     */
    public long elementCount() {
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    /**
     * Reads consecutive samples along the leading axis, cast to float64.
     *
     * @param first the first sample (index along axis 0)
     * @param count how many samples
     * @param sampleElements the elements of one sample ({@code elementCount() / shape()[0]}, or all
     *     of them when the whole file is one sample)
     * @param into where the values go, starting at index 0
     * @throws IOException if reading fails
     */
    void read(long first, int count, long sampleElements, double[] into) throws IOException {
        int itemSize = dtype.byteSize();
        long bytes = Math.multiplyExact(count * sampleElements, (long) itemSize);
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(bytes)).order(order);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            readFully(channel, buffer, dataOffset + first * sampleElements * itemSize, file);
        }
        buffer.flip();
        int n = (int) (count * sampleElements);
        switch (dtype) {
            case FLOAT32 -> {
                for (int i = 0; i < n; i++) {
                    into[i] = buffer.getFloat();
                }
            }
            case FLOAT64 -> {
                for (int i = 0; i < n; i++) {
                    into[i] = buffer.getDouble();
                }
            }
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    into[i] = Byte.toUnsignedInt(buffer.get());
                }
            }
            default -> throw new IllegalStateException("unreachable: " + dtype);
        }
    }

    /**
     * Whether a path names a {@code .npy} file, by its extension.
     *
     * @param path a path
     * @return {@code true} for {@code *.npy}
     */
    static boolean isNpy(Path path) {
        return Files.isRegularFile(path)
                && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }
}
