package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.amct.api.exception.AmctException;
import org.amct.api.exception.DecompositionException;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.fuzz.FuzzHarness;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Layer;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Structure-aware fuzzing of the two API classes the hostile-input run found (issue 16):
 * decomposition-info files whose shapes are allocation bombs (huge but mutually consistent ranks,
 * channel counts that do not fit the layer, long names), applied to a model; and weights or biases
 * holding NaN, infinity or extreme values, decomposed. Each case must succeed or fail with an
 * {@link AmctException} whose message is one line of bounded length; a decomposition that succeeds
 * must give finite tensors in every layer it made (a layer it leaves unchanged, such as a 1x1 conv,
 * keeps its values, finite or not). Cases: a quarter of {@code -Dfuzz.cases=N} for the info files,
 * a twentieth for the decompositions (they factorize).
 */
class HostileInputFuzzTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_MESSAGE = 2_000;
    private static final long[] SIZES = {
        0, -1, 1, 2, 63, 64, 65, 192, 193, 1_000_000_000L, Integer.MAX_VALUE, 1L << 31, 1L << 40
    };

    @TempDir static Path temp;

    private static String validInfo;

    @BeforeAll
    static void writeValidInfo() throws IOException {
        Path info = temp.resolve("valid.json");
        TensorDecompose.autoDecomposition(TinyNets.resnetLike(1, DType.FLOAT32), info);
        validInfo = Files.readString(info);
    }

    private static void checkMessage(AmctException e) {
        String message = e.getMessage();
        if (message == null || message.length() > MAX_MESSAGE || message.contains("\n")) {
            throw new AssertionError(
                    "unbounded or multi-line message: "
                            + (message == null ? null : message.length() + " characters"),
                    e);
        }
    }

    // ---- decomposition-info files -----------------------------------------------------------

    /** A structure-aware mutant of the valid info file: 1 to 3 edits of its fields. */
    static byte[] infoMutant(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        ArrayNode root = (ArrayNode) MAPPER.readTree(validInfo);
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            ObjectNode entry = (ObjectNode) root.get(random.nextInt(root.size()));
            ObjectNode layer = (ObjectNode) entry.get("ori_layer_info");
            ArrayNode first = (ArrayNode) entry.get("decom_nodes").get("first").get("weight_shape");
            ArrayNode last = (ArrayNode) entry.get("decom_nodes").get("last").get("weight_shape");
            long value = SIZES[random.nextInt(SIZES.length)];
            switch (random.nextInt(7)) {
                case 0, 1 -> {
                    // A consistent rank: every shape comparison passes, only the bound can stop it.
                    first.set(0, value);
                    last.set(1, value);
                }
                case 2 -> (random.nextBoolean() ? first : last).set(random.nextInt(4), value);
                case 3 -> {
                    String field = random.nextBoolean() ? "in_channels" : "out_channels";
                    layer.put(field, value);
                    first.set(1, value);
                    last.set(0, value);
                }
                case 4 -> layer.put("name", "n".repeat(random.nextInt(1, 200_000)));
                case 5 -> entry.put("mode", random.nextBoolean() ? "FCFK" : "SCSK");
                default -> {
                    ArrayNode kernel = (ArrayNode) layer.get("kernel_size");
                    kernel.set(random.nextInt(2), value);
                }
            }
        }
        return MAPPER.writeValueAsBytes(root);
    }

    static void applyInfo(byte[] data) throws IOException {
        Path file = temp.resolve("mutant.json");
        Files.write(file, data);
        try {
            TensorDecompose.decomposeNetwork(TinyNets.resnetLike(5, DType.FLOAT32), file);
        } catch (AmctException e) {
            checkMessage(e);
            throw e;
        }
    }

    @Test
    void decompositionInfoAppliedToAModel() throws Exception {
        FuzzHarness.report(
                "decompose_info.json applied (structure)",
                FuzzHarness.run(
                        "decompose_info.json applied (structure)",
                        FuzzHarness.cases() / 4,
                        4_000_000L,
                        HostileInputFuzzTest::infoMutant,
                        HostileInputFuzzTest::applyInfo));
    }

    /**
     * Seeds of the info-file fuzzer replayed: before ranks were bounded by the layer's n, each
     * ended in "internal error: IllegalArgumentException: Shape [...] has more than 2^31 elements"
     * (or an OutOfMemoryError), naming no layer.
     */
    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"4000034, layer1.0.conv2", "4000008, conv1"})
    void infoFileBombsStayRefused(long seed, String layer) throws IOException {
        byte[] mutant = infoMutant(seed);
        ModelMismatchException e =
                assertThrows(ModelMismatchException.class, () -> applyInfo(mutant));
        assertTrue(e.getMessage().startsWith("Layer '" + layer + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("(the rank) is "), e.getMessage());
    }

    // ---- non-finite and extreme weights and biases ----------------------------------------

    private static final double[] HAZARDS = {
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        Float.MAX_VALUE,
        -Float.MAX_VALUE,
        Float.MIN_VALUE,
        1e30,
        0
    };

    /** The mutant is its seed: the reader builds the model from it. */
    private static byte[] seedBytes(long seed) {
        return ByteBuffer.allocate(8).putLong(seed).array();
    }

    /** TinyNets with hazards written into one to three weights or biases. */
    static ModelGraph hazardousModel(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ModelGraph model = TinyNets.resnetLike(seed, DType.FLOAT32);
        Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
        String[] names = state.keySet().toArray(String[]::new);
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            String name = names[random.nextInt(names.length)];
            Tensor tensor = state.get(name);
            float[] values = tensor.toFloats();
            int count = random.nextInt(4) == 0 ? values.length : 1 + random.nextInt(3);
            for (int c = 0; c < count; c++) {
                values[random.nextInt(values.length)] =
                        (float) HAZARDS[random.nextInt(HAZARDS.length)];
            }
            state.put(name, Tensor.ofFloats(tensor.shape(), values));
        }
        return model.loadStateDict(state);
    }

    static void decompose(byte[] data) throws java.io.IOException {
        long seed = ByteBuffer.wrap(data).getLong();
        DecompositionResult result;
        try {
            result =
                    TensorDecompose.autoDecomposition(
                            hazardousModel(seed),
                            DecompositionOptions.builder().backend("ejml").threads(1).build());
        } catch (AmctException e) {
            checkMessage(e);
            throw e;
        }
        // The layers made by the decomposition; layers left unchanged keep what they held.
        for (java.util.List<String> names : result.changes().values()) {
            for (String name : names) {
                Layer layer = result.model().find(name).orElseThrow();
                if (layer instanceof Conv2d conv) {
                    check(name + ".weight", conv.weight());
                    conv.bias().ifPresent(b -> check(name + ".bias", b));
                }
            }
        }
    }

    private static void check(String name, Tensor tensor) {
        long bad = tensor.firstNonFiniteIndex();
        if (bad >= 0) {
            throw new AssertionError(
                    "accepted, but " + name + "[" + bad + "] is " + tensor.getDouble(bad));
        }
    }

    @Test
    void nonFiniteAndExtremeWeightsAndBiases() throws Exception {
        FuzzHarness.report(
                "weights and biases decomposed (hazards)",
                FuzzHarness.run(
                        "weights and biases decomposed (hazards)",
                        Math.max(20, FuzzHarness.cases() / 20),
                        5_000_000L,
                        HostileInputFuzzTest::seedBytes,
                        HostileInputFuzzTest::decompose));
    }

    /** Seeds replayed: before biases were checked, each gave a decomposed bias of NaN or Inf. */
    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"5000005", "5000008", "5000010"})
    void nonFiniteBiasesStayRefused(long seed) {
        DecompositionException e =
                assertThrows(DecompositionException.class, () -> decompose(seedBytes(seed)));
        assertTrue(e.getMessage().contains(": bias element "), e.getMessage());
    }

    /** Keeps the JSON helpers honest: a mutant is valid JSON of the same list. */
    @Test
    void infoMutantsAreJsonLists() throws IOException {
        JsonNode node = MAPPER.readTree(new String(infoMutant(4_000_000L), StandardCharsets.UTF_8));
        assertTrue(node.isArray() && node.size() == MAPPER.readTree(validInfo).size());
    }
}
