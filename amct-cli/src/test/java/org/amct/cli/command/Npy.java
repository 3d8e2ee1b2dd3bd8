package org.amct.cli.command;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} file of little-endian float32, C order (what the interop scripts save).
 *
 * @param shape the dimensions
 * @param values the elements, row-major
 */
record Npy(long[] shape, float[] values) {
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static Npy read(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        bytes.get(magic);
        if (!Arrays.equals(magic, "\u0093NUMPY".getBytes(StandardCharsets.ISO_8859_1))) {
            throw new IOException(file + " is not a .npy file");
        }
        int major = bytes.get();
        bytes.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(bytes.getShort()) : bytes.getInt();
        byte[] header = new byte[headerLength];
        bytes.get(header);
        String text = new String(header, StandardCharsets.ISO_8859_1);
        if (!text.contains("'descr': '<f4'") || !text.contains("'fortran_order': False")) {
            throw new IOException(file + " is not little-endian float32 in C order: " + text);
        }
        Matcher shape = SHAPE.matcher(text);
        if (!shape.find()) {
            throw new IOException(file + " has no shape: " + text);
        }
        long[] dims =
                Arrays.stream(shape.group(1).split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .mapToLong(Long::parseLong)
                        .toArray();
        float[] values = new float[(int) Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
        bytes.asFloatBuffer().get(values);
        return new Npy(dims, values);
    }
}
