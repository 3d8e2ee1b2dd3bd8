package org.amct.calibration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;

/**
 * Calibration samples from {@code .npy} files, one source per model input, streamed in batches: a
 * batch is read from disk only when the iterator reaches it, so memory does not grow with the
 * number of samples. A source is a {@code .npy} file whose leading axis counts samples, or a folder
 * of {@code .npy} files (in name order), each either one sample or a batch of them. Values are cast
 * to the model input's type; every file's sample shape is checked against the input's shape before
 * any batch is read.
 *
 * <p>Each iteration reads the files again; not thread-safe.
 */
public final class CalibrationData implements Iterable<Map<String, Tensor>> {
    /** The batch size used when the model's batch dimension is symbolic. */
    public static final int DEFAULT_BATCH = 16;

    private final List<ModelInput> inputs;
    private final Map<String, List<Segment>> sources;
    private final int samples;
    private final int batchSize;

    /** A run of samples within one file. */
    private record Segment(NpyArray array, long sampleElements, long count) {}

    private CalibrationData(
            List<ModelInput> inputs, Map<String, List<Segment>> sources, int samples, int batch) {
        this.inputs = List.copyOf(inputs);
        this.sources = sources;
        this.samples = samples;
        this.batchSize = batch;
    }

    /**
     * Opens calibration data for a model.
     *
     * @param specs {@code PATH} when the model has one input, else one {@code NAME=PATH} per input
     * @param inputs the model's inputs
     * @param limit use at most this many samples; 0 means all
     * @return the data, checked against the inputs
     * @throws IOException if a file cannot be read
     * @throws CalibrationDataException if a spec names no input, an input has no data, a file is
     *     not usable, its samples do not fit the input, or the inputs have different sample counts
     */
    public static CalibrationData open(List<String> specs, List<ModelInput> inputs, int limit)
            throws IOException {
        Objects.requireNonNull(specs, "specs");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        Map<String, ModelInput> byName = new LinkedHashMap<>();
        inputs.forEach(input -> byName.put(input.name(), input));
        Map<String, Path> paths = assign(specs, byName);
        Map<String, List<Segment>> sources = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (ModelInput input : inputs) {
            List<Segment> segments = segments(paths.get(input.name()), input);
            sources.put(input.name(), segments);
            counts.put(input.name(), segments.stream().mapToLong(Segment::count).sum());
        }
        long distinct = counts.values().stream().distinct().count();
        if (distinct > 1) {
            throw new CalibrationDataException(
                    "The calibration inputs have different numbers of samples: "
                            + counts.entrySet().stream()
                                    .map(
                                            e ->
                                                    e.getKey()
                                                            + "="
                                                            + e.getValue()
                                                            + " ("
                                                            + paths.get(e.getKey())
                                                            + ")")
                                    .collect(Collectors.joining(", "))
                            + "; give every input the same number");
        }
        long total = counts.values().iterator().next();
        if (total == 0) {
            throw new CalibrationDataException(
                    "The calibration data " + paths.values() + " holds no samples");
        }
        long used = limit == 0 ? total : Math.min(total, limit);
        return new CalibrationData(inputs, sources, Math.toIntExact(used), batchSize(inputs, used));
    }

    private static int batchSize(List<ModelInput> inputs, long samples) {
        long fixed = -1;
        for (ModelInput input : inputs) {
            long[] shape = input.shape();
            if (shape.length > 0 && shape[0] > 0) {
                fixed = shape[0];
            }
        }
        if (fixed > 0) {
            return Math.toIntExact(fixed);
        }
        return (int) Math.min(DEFAULT_BATCH, samples);
    }

    private static Map<String, Path> assign(List<String> specs, Map<String, ModelInput> inputs) {
        Map<String, Path> paths = new LinkedHashMap<>();
        String names = String.join(", ", inputs.keySet());
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name = eq > 0 ? spec.substring(0, eq) : null;
            if (name != null && inputs.containsKey(name)) {
                paths.put(name, Path.of(spec.substring(eq + 1)));
            } else if (inputs.size() == 1 && specs.size() == 1) {
                paths.put(inputs.keySet().iterator().next(), Path.of(spec));
            } else if (name != null && !Files.exists(Path.of(spec))) {
                throw new CalibrationDataException(
                        "Calibration data '"
                                + spec
                                + "' names input '"
                                + name
                                + "', which the model does not have; its inputs are: "
                                + names);
            } else {
                throw new CalibrationDataException(
                        "The model has "
                                + inputs.size()
                                + " inputs ("
                                + names
                                + "): give the calibration data of each as NAME=PATH, not '"
                                + spec
                                + "'");
            }
        }
        for (String name : inputs.keySet()) {
            if (!paths.containsKey(name)) {
                throw new CalibrationDataException(
                        "No calibration data for model input '"
                                + name
                                + "': add "
                                + name
                                + "=PATH (inputs: "
                                + names
                                + ")");
            }
        }
        return paths;
    }

    private static List<Segment> segments(Path path, ModelInput input) throws IOException {
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> listing = Files.list(path)) {
                files = listing.filter(NpyArray::isNpy).sorted().toList();
            }
            if (files.isEmpty()) {
                throw new CalibrationDataException(
                        "Calibration folder '" + path + "' holds no .npy files");
            }
            List<Segment> segments = new ArrayList<>();
            for (Path file : files) {
                Segment next = segment(NpyArray.open(file), input, true);
                if (!segments.isEmpty()
                        && !Arrays.equals(
                                sampleShape(segments.get(0).array(), input),
                                sampleShape(next.array(), input))) {
                    throw new CalibrationDataException(
                            "Calibration file '"
                                    + file
                                    + "' has samples of shape "
                                    + Arrays.toString(sampleShape(next.array(), input))
                                    + " but '"
                                    + segments.get(0).array().file()
                                    + "' in the same folder has "
                                    + Arrays.toString(sampleShape(segments.get(0).array(), input))
                                    + "; all samples of one input must have one shape");
                }
                segments.add(next);
            }
            return segments;
        }
        if (!Files.isRegularFile(path)) {
            throw new CalibrationDataException(
                    "Calibration data '"
                            + path
                            + "' for input '"
                            + input.name()
                            + "' does not exist (give a .npy file or a folder of them)");
        }
        return List.of(segment(NpyArray.open(path), input, false));
    }

    /**
     * Checks a file's samples against the input: the file holds a batch (its rank is the input's)
     * or, in a folder, possibly one sample (one dimension fewer).
     */
    private static Segment segment(NpyArray array, ModelInput input, boolean singleAllowed) {
        long[] want = input.shape();
        long[] have = array.shape();
        long[] sample;
        long count;
        if (have.length == want.length) {
            sample = Arrays.copyOfRange(have, 1, have.length);
            count = have[0];
        } else if (singleAllowed && have.length == want.length - 1) {
            sample = have;
            count = 1;
        } else {
            throw mismatch(array, input, have);
        }
        for (int i = 0; i < sample.length; i++) {
            long dim = want[i + 1];
            if (dim >= 0 && sample[i] != dim) {
                throw mismatch(array, input, have);
            }
        }
        long elements = 1;
        for (long dim : sample) {
            elements = Math.multiplyExact(elements, dim);
        }
        checkCast(array, input);
        return new Segment(array, elements, count);
    }

    private static long[] sampleShape(NpyArray array, ModelInput input) {
        long[] have = array.shape();
        return have.length == input.shape().length
                ? Arrays.copyOfRange(have, 1, have.length)
                : have;
    }

    private static CalibrationDataException mismatch(
            NpyArray array, ModelInput input, long[] have) {
        long[] want = input.shape();
        StringBuilder sample = new StringBuilder("[");
        for (int i = 1; i < want.length; i++) {
            sample.append(i == 1 ? "" : ", ").append(want[i] >= 0 ? String.valueOf(want[i]) : "?");
        }
        sample.append(']');
        return new CalibrationDataException(
                "Calibration file '"
                        + array.file()
                        + "' has shape "
                        + Arrays.toString(have)
                        + " but model input '"
                        + input.name()
                        + "' takes "
                        + input.describeShape()
                        + ": expected [samples, "
                        + sample.substring(1)
                        + " (or "
                        + sample
                        + " for one sample in a folder)");
    }

    private static void checkCast(NpyArray array, ModelInput input) {
        DType to = input.dtype();
        if (to != DType.FLOAT32
                && to != DType.FLOAT64
                && to != DType.FLOAT16
                && to != DType.UINT8) {
            throw new CalibrationDataException(
                    "Model input '"
                            + input.name()
                            + "' is "
                            + to
                            + "; calibration data can feed float16, float32, float64 or uint8"
                            + " inputs only");
        }
        if (to == DType.UINT8 && array.dtype() != DType.UINT8) {
            throw new CalibrationDataException(
                    "Calibration file '"
                            + array.file()
                            + "' is "
                            + NpyArray.describe(array.dtype())
                            + " but model input '"
                            + input.name()
                            + "' is uint8; save the data as uint8");
        }
    }

    /**
     * The number of samples that the batches hold.
     *
     * @return the count after the limit
     */
    public int sampleCount() {
        return samples;
    }

    /**
     * The number of samples per batch: the model's batch dimension when fixed, else up to {@value
     * #DEFAULT_BATCH}. When the batch dimension is fixed, the samples that do not fill a last batch
     * are left out.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The model inputs the data feeds.
     *
     * @return the inputs
     */
    public List<ModelInput> inputs() {
        return inputs;
    }

    /**
     * The batches, read from disk one at a time.
     *
     * @return an iterator over maps from input name to a tensor with a leading batch axis; an
     *     {@link IOException} while reading is thrown as {@link UncheckedIOException}
     */
    @Override
    public Iterator<Map<String, Tensor>> iterator() {
        boolean fixed = inputs.stream().anyMatch(i -> i.shape().length > 0 && i.shape()[0] > 0);
        int usable = fixed ? samples - samples % batchSize : samples;
        return new Iterator<>() {
            private int next;
            private final Map<String, Cursor> cursors = new LinkedHashMap<>();

            {
                sources.forEach((name, segments) -> cursors.put(name, new Cursor(segments)));
            }

            @Override
            public boolean hasNext() {
                return next < usable;
            }

            @Override
            public Map<String, Tensor> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int count = Math.min(batchSize, usable - next);
                Map<String, Tensor> batch = new LinkedHashMap<>();
                for (ModelInput input : inputs) {
                    batch.put(input.name(), cursors.get(input.name()).take(count, input));
                }
                next += count;
                return batch;
            }
        };
    }

    /** Walks one input's segments. */
    private static final class Cursor {
        private final List<Segment> segments;
        private int segment;
        private long offset;

        Cursor(List<Segment> segments) {
            this.segments = segments;
        }

        Tensor take(int count, ModelInput input) {
            long elements = segments.get(0).sampleElements();
            double[] values = new double[Math.toIntExact(count * elements)];
            double[] part = null;
            int filled = 0;
            try {
                while (filled < count) {
                    Segment s = segments.get(segment);
                    int n = (int) Math.min(count - filled, s.count() - offset);
                    if (filled == 0 && n == count) {
                        s.array().read(offset, n, elements, values);
                    } else {
                        if (part == null || part.length < n * elements) {
                            part = new double[Math.toIntExact(n * elements)];
                        }
                        s.array().read(offset, n, elements, part);
                        System.arraycopy(
                                part, 0, values, (int) (filled * elements), (int) (n * elements));
                    }
                    filled += n;
                    offset += n;
                    if (offset == s.count()) {
                        segment++;
                        offset = 0;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long[] want = input.shape();
            long[] sampleShape = segmentSampleShape(want);
            int[] shape = new int[want.length];
            shape[0] = count;
            for (int i = 1; i < shape.length; i++) {
                shape[i] = Math.toIntExact(sampleShape[i - 1]);
            }
            return cast(values, shape, input.dtype());
        }

        private long[] segmentSampleShape(long[] want) {
            NpyArray first = segments.get(0).array();
            long[] have = first.shape();
            return have.length == want.length ? Arrays.copyOfRange(have, 1, have.length) : have;
        }
    }

    private static Tensor cast(double[] values, int[] shape, DType dtype) {
        if (dtype == DType.UINT8) {
            ByteBuffer bytes = ByteBuffer.allocate(values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                bytes.put((byte) (int) v);
            }
            bytes.flip();
            return Tensor.wrap(DType.UINT8, shape, bytes);
        }
        return Tensor.fromDoubles(dtype, shape, values);
    }
}
