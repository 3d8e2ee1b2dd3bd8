package org.amct.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The reference tool's fixtures (synthetic Conv2d weights, their singular values, the reference
 * ranks and decomposition-info entries; see the folder's {@code README.md} and the {@code
 * conventions} of its {@code expected.json}).
 *
 * <p>{@link #directory()} uses the full set only when told to: the folder named by the system
 * property {@value #DIRECTORY_PROPERTY}, or {@code shared/fixtures/reference} next to the
 * repository root named by {@value #REPOSITORY_ROOT_PROPERTY} (the build sets it to the reactor's
 * root, so {@code ../shared} beside the clone). Otherwise it extracts the copies of the small cases
 * bundled in this jar to a temporary folder, once per JVM; nothing depends on the working
 * directory. {@link #describeSet()} says which set it is, and the test classes that use it put that
 * in their names ({@link ReferenceFixtureSetNames}), so the build log says which set ran. Works
 * with this jar on the module path and on the class path. Thread-safe.
 */
public final class ReferenceFixtures {
    /** The system property that names the fixture folder explicitly. */
    public static final String DIRECTORY_PROPERTY = "amct.fixtures.dir";

    /**
     * The system property naming the repository root (the build sets it for every test JVM); the
     * full set is used when {@code ../shared/fixtures/reference} exists next to that folder.
     */
    public static final String REPOSITORY_ROOT_PROPERTY = "amct.repository.root";

    private static final String SHARED_FOLDER = "shared/fixtures/reference";
    private static final String EXPECTED = "expected.json";
    private static final String RESOURCE_FOLDER = "reference/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The files bundled under {@code org/amct/conformance/reference/}. */
    private static final List<String> BUNDLED_FILES =
            List.of(
                    "README.md",
                    EXPECTED,
                    "decompose_info.json",
                    "v01_scfk_gauss_96x64x3x3.safetensors",
                    "v02_fcfk_lowrank_64x96x3x5.safetensors",
                    "v03_fcsk_decay_64x96x5x3.safetensors",
                    "v04_scsk_lowrank_96x64x5x3.safetensors",
                    "v05_scfk_decay_192x192x3x3.safetensors",
                    "v09_scfk_gauss_32x32x7x7.safetensors",
                    "v10_scfk_stem_32x3x7x7.safetensors",
                    "v12_scfk_decay_sqrt_96x96x5x5.safetensors",
                    "w01_groups2_128x64x3x3.safetensors",
                    "w02_dilation2_96x96x3x3.safetensors",
                    "w03_stride4_96x96x5x5.safetensors",
                    "w04_kernel1x1_128x256x1x1.safetensors",
                    "w05_kernel2x3_128x128x2x3.safetensors",
                    "w06_smallch_48x48x3x3.safetensors",
                    "w07_kernel1x5_128x128x1x5.safetensors");

    private static final Object LOCK = new Object();
    private static Path bundledCopy;

    private ReferenceFixtures() {}

    /**
     * The folder holding {@code expected.json}, {@code decompose_info.json} and the {@code
     * <case>.safetensors} files: the full set when it is found, else the bundled small cases.
     *
     * @return an absolute path to an existing folder
     * @throws IllegalStateException if {@value #DIRECTORY_PROPERTY} names a folder without {@code
     *     expected.json}
     * @throws UncheckedIOException if the bundled copies cannot be extracted
     */
    public static Path directory() {
        Optional<Path> full = fullSetDirectory();
        return full.isPresent() ? full.get() : extractedBundle();
    }

    /**
     * Whether {@link #directory()} is the full set (all cases of {@code expected.json}) rather than
     * the bundled small cases.
     *
     * @return {@code true} when {@value #DIRECTORY_PROPERTY} names the set, or {@code
     *     shared/fixtures/reference} is next to the repository root {@value
     *     #REPOSITORY_ROOT_PROPERTY}
     */
    public static boolean isFullSet() {
        return fullSetDirectory().isPresent();
    }

    /**
     * Reads every tensor of a safetensors file (8-byte little-endian header length, JSON header,
     * little-endian data). Only {@code F32} and {@code F64} are supported; both are widened to
     * float64. The {@code __metadata__} entry is ignored.
     *
     * @param file the file
     * @return the tensors by name, in header order; an unmodifiable map
     * @throws IOException if the file cannot be read, is malformed, or holds another element type
     */
    public static Map<String, FixtureTensor> readSafetensors(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = bytes.length >= 8 ? buffer.getLong(0) : -1;
        if (headerLength < 2 || headerLength > bytes.length - 8L) {
            throw new IOException(
                    file
                            + ": not a safetensors file (header length "
                            + headerLength
                            + ", file length "
                            + bytes.length
                            + ")");
        }
        String headerText = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        JsonNode header = MAPPER.readTree(headerText);
        int dataStart = 8 + (int) headerLength;
        Map<String, FixtureTensor> tensors = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("__metadata__")) {
                tensors.put(
                        field.getKey(),
                        readTensor(file, field.getKey(), field.getValue(), buffer, dataStart));
            }
        }
        return Collections.unmodifiableMap(tensors);
    }

    /**
     * The cases of {@code expected.json} that the reference decomposed (mode other than {@code
     * UNCHANGE}), in file order.
     */
    static List<FixtureCase> decomposedCases(Path directory) throws IOException {
        JsonNode root = MAPPER.readTree(directory.resolve(EXPECTED).toFile());
        List<FixtureCase> cases = new ArrayList<>();
        for (JsonNode node : required(root, "cases", EXPECTED)) {
            String name = required(node, "name", EXPECTED).asText();
            String mode = required(node, "mode", name).asText();
            if (mode.equals("UNCHANGE")) {
                continue;
            }
            JsonNode shape = required(node, "shape", name);
            cases.add(
                    new FixtureCase(
                            name,
                            required(node, "file", name).asText(),
                            UnfoldingMode.valueOf(mode),
                            shape.get(0).asInt()
                                    * shape.get(1).asInt()
                                    * shape.get(2).asInt()
                                    * shape.get(3).asInt(),
                            required(node, "rank", name).asInt(),
                            required(node, "eckart_young_rel_error", name).asDouble()));
        }
        return cases;
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalStateException(
                    "expected.json: field '" + field + "' is missing in " + where);
        }
        return value;
    }

    private static FixtureTensor readTensor(
            Path file, String name, JsonNode entry, ByteBuffer buffer, int dataStart)
            throws IOException {
        String dtype = entry.path("dtype").asText();
        int elementSize = dtype.equals("F64") ? 8 : dtype.equals("F32") ? 4 : 0;
        if (elementSize == 0) {
            throw new IOException(
                    file
                            + ": tensor '"
                            + name
                            + "' has dtype '"
                            + dtype
                            + "'; only F32 and F64 are supported");
        }
        JsonNode shapeNode = entry.path("shape");
        int[] shape = new int[shapeNode.size()];
        long count = 1;
        for (int axis = 0; axis < shape.length; axis++) {
            shape[axis] = shapeNode.get(axis).asInt();
            count *= shape[axis];
        }
        long begin = entry.path("data_offsets").path(0).asLong(-1);
        long end = entry.path("data_offsets").path(1).asLong(-1);
        if (begin < 0 || end - begin != count * elementSize || dataStart + end > buffer.limit()) {
            throw new IOException(
                    file
                            + ": tensor '"
                            + name
                            + "' has data_offsets ["
                            + begin
                            + ", "
                            + end
                            + "] that do not fit its shape or the file");
        }
        double[] data = new double[(int) count];
        for (int i = 0; i < data.length; i++) {
            int at = (int) (dataStart + begin + (long) i * elementSize);
            data[i] = elementSize == 8 ? buffer.getDouble(at) : buffer.getFloat(at);
        }
        return new FixtureTensor(dtype, shape, data);
    }

    private static Optional<Path> fullSetDirectory() {
        String override = System.getProperty(DIRECTORY_PROPERTY);
        if (override != null && !override.isBlank()) {
            Path named = Path.of(override).toAbsolutePath();
            if (!Files.isRegularFile(named.resolve(EXPECTED))) {
                throw new IllegalStateException(
                        "-D"
                                + DIRECTORY_PROPERTY
                                + "="
                                + override
                                + " names a folder without "
                                + EXPECTED
                                + "; point it at shared/fixtures/reference");
            }
            return Optional.of(named);
        }
        // Only next to the repository root the build names, never wherever the JVM happens to run.
        String root = System.getProperty(REPOSITORY_ROOT_PROPERTY);
        if (root != null && !root.isBlank()) {
            Path candidate =
                    Path.of(root).toAbsolutePath().normalize().resolveSibling(SHARED_FOLDER);
            if (Files.isRegularFile(candidate.resolve(EXPECTED))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Which fixture set {@link #directory()} holds, in one line for the build log.
     *
     * @return for example {@code "full reference fixture set (12 cases) from
     *     /work/shared/fixtures/reference"} or {@code "bundled small set (8 cases)..."}
     */
    public static String describeSet() {
        Optional<Path> full = fullSetDirectory();
        try {
            if (full.isPresent()) {
                return "full reference fixture set ("
                        + decomposedCases(full.get()).size()
                        + " cases) from "
                        + full.get();
            }
            return "bundled small reference fixture set ("
                    + decomposedCases(extractedBundle()).stream()
                            .filter(c -> Files.isRegularFile(extractedBundle().resolve(c.file())))
                            .count()
                    + " cases; the full set runs with -D"
                    + DIRECTORY_PROPERTY
                    + "=DIR or with ../"
                    + SHARED_FOLDER
                    + " next to the repository root named by -D"
                    + REPOSITORY_ROOT_PROPERTY
                    + ")";
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the reference fixtures' expected.json", e);
        }
    }

    private static Path extractedBundle() {
        synchronized (LOCK) {
            if (bundledCopy == null) {
                try {
                    bundledCopy = extract();
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "Cannot extract the bundled reference fixtures to a temporary folder",
                            e);
                }
            }
            return bundledCopy;
        }
    }

    private static Path extract() throws IOException {
        Path target = Files.createTempDirectory("amct-reference-fixtures");
        target.toFile().deleteOnExit();
        for (String name : BUNDLED_FILES) {
            try (InputStream in =
                    ReferenceFixtures.class.getResourceAsStream(RESOURCE_FOLDER + name)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "Bundled fixture '"
                                    + name
                                    + "' is missing from the amct-conformance"
                                    + " jar (expected under org/amct/conformance/"
                                    + RESOURCE_FOLDER
                                    + ")");
                }
                Path file = target.resolve(name);
                Files.copy(in, file);
                file.toFile().deleteOnExit();
            }
        }
        return target;
    }

    /** One decomposed case of {@code expected.json}, with what the suite checks. */
    record FixtureCase(
            String name,
            String file,
            UnfoldingMode mode,
            int elementCount,
            int rank,
            double eckartYoungRelError) {
        /** Checks that the names are present. */
        FixtureCase {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(mode, "mode");
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
