package org.amct.cli.command;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes ONNX models of any size without holding them in memory, for the tests and benchmarks of
 * models larger than the heap: a chain of {@code convs} Conv layers ({@code channels} in and out,
 * {@code kernel x kernel}, padded to keep an 8 x 8 input), then {@code Flatten} and a {@code
 * MatMul} by a large {@code fc.weight} of about {@code extraMib} MiB. Conv weights are rank 2 plus
 * a little noise (so a decomposition finds a small rank quickly); every value is a function of its
 * position, so a model is the same each time. Tensor data is streamed to the file (or, with {@code
 * external}, to {@code <file>.data}, each initializer pointing at its offset there), one block at a
 * time; the protobuf wire format is written by hand, so this class needs only the JDK and also runs
 * as a script:
 *
 * <pre>
 * java amct-cli/src/test/java/org/amct/cli/command/LargeOnnxModels.java /tmp/big/model.onnx \
 *     --convs 53 --channels 1024 --kernel 3 --extra-mib 0 --external
 * </pre>
 */
public final class LargeOnnxModels {
    private static final int BLOCK_FLOATS = 1 << 18;
    private static final int FLOAT = 1;
    private static final int ATTRIBUTE_INT = 2;
    private static final int ATTRIBUTE_INTS = 7;
    private static final int SIDE = 8;

    /**
     * What to write.
     *
     * @param convs the number of Conv layers
     * @param channels their input and output channels
     * @param kernel their kernel size
     * @param extraMib the size of {@code fc.weight}, about, in MiB; 0 for none
     * @param external whether tensor data goes to {@code <file>.data}
     */
    public record Spec(int convs, int channels, int kernel, long extraMib, boolean external) {
        /** The columns of {@code fc.weight}: its rows are the flattened conv output. */
        long fcColumns() {
            long rows = (long) channels * SIDE * SIDE;
            return Math.max(1, (extraMib << 20) / 4 / rows);
        }
    }

    private LargeOnnxModels() {}

    /**
     * Writes a model (and its data file).
     *
     * @param args the model file, then {@code --convs N --channels C --kernel K --extra-mib M} and
     *     optionally {@code --external}
     * @throws IOException if writing fails
     */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int convs = 4;
        int channels = 64;
        int kernel = 3;
        long extra = 0;
        boolean external = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--convs" -> convs = Integer.parseInt(args[++i]);
                case "--channels" -> channels = Integer.parseInt(args[++i]);
                case "--kernel" -> kernel = Integer.parseInt(args[++i]);
                case "--extra-mib" -> extra = Long.parseLong(args[++i]);
                case "--external" -> external = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long bytes = write(file, new Spec(convs, channels, kernel, extra, external));
        System.out.printf(Locale.ROOT, "wrote %s: %,d bytes of tensor data%n", file, bytes);
    }

    /**
     * Writes a model.
     *
     * @param file the {@code .onnx} file
     * @param spec what to write
     * @return the bytes of tensor data written
     * @throws IOException if writing fails
     */
    public static long write(Path file, Spec spec) throws IOException {
        List<Tensor> tensors = new ArrayList<>();
        Wire nodes = new Wire();
        int c = spec.channels();
        int k = spec.kernel();
        String previous = "x";
        for (int i = 0; i < spec.convs(); i++) {
            String layer = "layer" + i;
            tensors.add(new Tensor(layer + ".weight", new long[] {c, c, k, k}, i, true));
            tensors.add(new Tensor(layer + ".bias", new long[] {c}, i, false));
            String output = layer + ".out";
            int pad = k / 2;
            Wire node =
                    new Wire()
                            .string(1, previous)
                            .string(1, layer + ".weight")
                            .string(1, layer + ".bias")
                            .string(2, output)
                            .string(3, layer)
                            .string(4, "Conv")
                            .message(5, ints("kernel_shape", k, k))
                            .message(5, ints("pads", pad, pad, pad, pad))
                            .message(5, ints("strides", 1, 1));
            nodes.message(1, node);
            previous = output;
        }
        long rows = (long) c * SIDE * SIDE;
        String out = previous;
        if (spec.extraMib() > 0) {
            nodes.message(
                    1,
                    new Wire()
                            .string(1, previous)
                            .string(2, "flat")
                            .string(3, "flatten")
                            .string(4, "Flatten")
                            .message(
                                    5,
                                    new Wire()
                                            .string(1, "axis")
                                            .varint(20, ATTRIBUTE_INT)
                                            .varint(3, 1)));
            tensors.add(new Tensor("fc.weight", new long[] {rows, spec.fcColumns()}, -1, false));
            nodes.message(
                    1,
                    new Wire()
                            .string(1, "flat")
                            .string(1, "fc.weight")
                            .string(2, "y")
                            .string(3, "fc")
                            .string(4, "MatMul"));
            out = "y";
        }
        Wire graphHead =
                new Wire()
                        .append(nodes)
                        .string(2, "large")
                        .message(11, valueInfo("x", 1, c, SIDE, SIDE))
                        .message(
                                12,
                                spec.extraMib() > 0
                                        ? valueInfo(out, 1, spec.fcColumns())
                                        : valueInfo(out, 1, c, SIDE, SIDE));
        Path absolute = file.toAbsolutePath();
        String dataName = absolute.getFileName() + ".data";
        // Each initializer: its fields, then (in the file) its raw_data, streamed.
        List<byte[]> heads = new ArrayList<>();
        long offset = 0;
        long graphLength = graphHead.size();
        for (Tensor tensor : tensors) {
            Wire head = new Wire();
            for (long dim : tensor.dims) {
                head.varint(1, dim);
            }
            head.varint(2, FLOAT).string(8, tensor.name);
            long bytes = tensor.bytes();
            if (spec.external()) {
                head.message(13, entry("location", dataName))
                        .message(13, entry("offset", Long.toString(offset)))
                        .message(13, entry("length", Long.toString(bytes)))
                        .varint(14, 1);
                offset += bytes;
            } else {
                head.tag(9, 2).rawVarint(bytes);
            }
            long messageLength = head.size() + (spec.external() ? 0 : bytes);
            byte[] headBytes = head.toByteArray();
            heads.add(headBytes);
            graphLength += 1 + varintSize(messageLength) + messageLength;
        }
        Files.createDirectories(absolute.getParent());
        long written = 0;
        try (OutputStream model =
                new BufferedOutputStream(Files.newOutputStream(absolute), 1 << 16)) {
            Wire top = new Wire().varint(1, 8).message(8, new Wire().string(1, "").varint(2, 13));
            top.string(2, "LargeOnnxModels").tag(7, 2).rawVarint(graphLength);
            top.writeTo(model);
            graphHead.writeTo(model);
            for (int i = 0; i < tensors.size(); i++) {
                Tensor tensor = tensors.get(i);
                byte[] head = heads.get(i);
                long messageLength = head.length + (spec.external() ? 0 : tensor.bytes());
                new Wire().tag(5, 2).rawVarint(messageLength).writeTo(model);
                model.write(head);
                if (!spec.external()) {
                    written += tensor.stream(model);
                }
            }
        }
        if (spec.external()) {
            try (OutputStream data =
                    new BufferedOutputStream(
                            Files.newOutputStream(absolute.resolveSibling(dataName)), 1 << 16)) {
                for (Tensor tensor : tensors) {
                    written += tensor.stream(data);
                }
            }
        }
        return written;
    }

    /** One initializer: float32, values a function of (layer, position). */
    private record Tensor(String name, long[] dims, int layer, boolean lowRank) {
        long count() {
            long count = 1;
            for (long dim : dims) {
                count *= dim;
            }
            return count;
        }

        long bytes() {
            return 4 * count();
        }

        long stream(OutputStream out) throws IOException {
            long count = count();
            long columns = count / dims[0];
            ByteBuffer block = ByteBuffer.allocate(4 * BLOCK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
            for (long at = 0; at < count; ) {
                block.clear();
                int n = (int) Math.min(BLOCK_FLOATS, count - at);
                for (int e = 0; e < n; e++, at++) {
                    float value;
                    if (lowRank) {
                        long row = at / columns;
                        long column = at % columns;
                        value =
                                (float)
                                        (unit(layer, 0, row) * unit(layer, 1, column)
                                                + 0.5 * unit(layer, 2, row) * unit(layer, 3, column)
                                                + 0.05 * unit(layer, 4, at));
                    } else {
                        value = (float) (0.01 * unit(layer, 5, at));
                    }
                    block.putFloat(value);
                }
                out.write(block.array(), 0, 4 * n);
            }
            return 4 * count;
        }
    }

    /** A value in [-1, 1) from a hash of its arguments (splitmix64). */
    private static double unit(int layer, int stream, long index) {
        long z = index * 0x9E3779B97F4A7C15L + ((long) layer << 32) + stream * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-52 - 1.0;
    }

    private static Wire ints(String name, long... values) {
        Wire attribute = new Wire().string(1, name).varint(20, ATTRIBUTE_INTS);
        for (long value : values) {
            attribute.varint(8, value);
        }
        return attribute;
    }

    private static Wire entry(String key, String value) {
        return new Wire().string(1, key).string(2, value);
    }

    private static Wire valueInfo(String name, long... dims) {
        Wire shape = new Wire();
        for (long dim : dims) {
            shape.message(1, new Wire().varint(1, dim));
        }
        Wire tensorType = new Wire().varint(1, FLOAT).message(2, shape);
        return new Wire().string(1, name).message(2, new Wire().message(1, tensorType));
    }

    private static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** A small protobuf message being written. */
    private static final class Wire {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Wire tag(int field, int wireType) {
            return rawVarint(((long) field << 3) | wireType);
        }

        Wire rawVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
            return this;
        }

        Wire varint(int field, long value) {
            return tag(field, 0).rawVarint(value);
        }

        Wire string(int field, String value) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            tag(field, 2).rawVarint(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        Wire message(int field, Wire message) {
            tag(field, 2).rawVarint(message.size());
            out.writeBytes(message.toByteArray());
            return this;
        }

        Wire append(Wire other) {
            out.writeBytes(other.toByteArray());
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        void writeTo(OutputStream stream) throws IOException {
            out.writeTo(stream);
        }
    }
}
