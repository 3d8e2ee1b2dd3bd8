package org.amct.calibration;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/** Writes {@code .npy} files the way NumPy does, for the tests. */
final class NpyFiles {
    private NpyFiles() {}

    /** A version-1 little-endian file of {@code descr} ('<f4', '<f8', '|u1', ...). */
    static Path write(Path file, String descr, long[] shape, double[] values) throws IOException {
        return write(file, descr, shape, values, 1, false);
    }

    static Path write(
            Path file, String descr, long[] shape, double[] values, int version, boolean fortran)
            throws IOException {
        String dims =
                Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        if (shape.length == 1) {
            dims += ",";
        }
        String dict =
                "{'descr': '"
                        + descr
                        + "', 'fortran_order': "
                        + (fortran ? "True" : "False")
                        + ", 'shape': ("
                        + dims
                        + "), }";
        int preamble = version == 1 ? 10 : 12;
        int total = preamble + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        StringBuilder header = new StringBuilder(dict);
        while (preamble + header.length() + 1 < padded) {
            header.append(' ');
        }
        header.append('\n');
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int item = descr.endsWith("8") ? 8 : descr.endsWith("4") ? 4 : 1;
        ByteBuffer out =
                ByteBuffer.allocate(preamble + header.length() + values.length * item)
                        .order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            out.putShort((short) header.length());
        } else {
            out.putInt(header.length());
        }
        out.put(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.order(order);
        for (double v : values) {
            switch (item) {
                case 8 -> out.putDouble(v);
                case 4 -> {
                    if (descr.contains("f")) {
                        out.putFloat((float) v);
                    } else {
                        out.putInt((int) v);
                    }
                }
                default -> out.put((byte) (int) v);
            }
        }
        return Files.write(file, out.array());
    }

    /** Values 0..255 (whole numbers, so every dtype holds them exactly). */
    static double[] pixels(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextInt(256);
        }
        return values;
    }
}
