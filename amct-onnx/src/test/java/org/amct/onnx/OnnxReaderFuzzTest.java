package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.amct.api.exception.AmctException;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.fuzz.FuzzHarness;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mutation fuzzing of the ONNX reader: every mutant must be read (and then written and read back)
 * or be rejected with an {@code AmctException}; see {@link FuzzHarness}. Four valid inputs, each
 * mutated byte by byte ({@code MutationFuzzer}) and by structure ({@link OnnxMutator}): a generated
 * model of Conv and Relu nodes with initializer weights (one grouped, one {@code SAME_UPPER}), the
 * same with its weights in {@code Constant} nodes or in an external data file, and the real
 * PaddleOCR model of the test resources (579 KB, so it gets 3/5 of the cases). The cases per input
 * and mutation kind are {@code -Dfuzz.onnx.cases=N} (default {@value #DEFAULT_CASES}): 3,600 cases
 * in 10 to 30 s on two cores.
 */
class OnnxReaderFuzzTest {
    /** Cases per input and mutation kind. */
    static final int DEFAULT_CASES = 500;

    @TempDir static Path folder;

    private static byte[] initializers;
    private static byte[] constants;
    private static byte[] external;
    private static byte[] paddle;

    @BeforeAll
    static void makeValidInputs() throws IOException {
        initializers = generated(ConvSpec.Source.INITIALIZER).build().toByteArray();
        constants = generated(ConvSpec.Source.CONSTANT_NODE).build().toByteArray();
        OnnxTestModels withData = generated(ConvSpec.Source.EXTERNAL);
        external = Files.readAllBytes(withData.write(folder, "external.onnx"));
        paddle = Files.readAllBytes(OnnxFixtures.paddleModel(folder));
    }

    /** Two Conv + Relu blocks, the second grouped and padded SAME_UPPER, then a 1x1 Conv. */
    static OnnxTestModels generated(ConvSpec.Source source) {
        OnnxTestModels m = new OnnxTestModels("fuzz", 7);
        m.input("x", OnnxConstants.FLOAT, 1, 8, 8, 8);
        String y = m.relu(m.conv("x", ConvSpec.of(8, 8, 3).weightName("a.weight").source(source)));
        y =
                m.relu(
                        m.conv(
                                y,
                                ConvSpec.of(8, 8, 3)
                                        .weightName("b.weight")
                                        .group(2)
                                        .autoPad("SAME_UPPER")
                                        .source(source)));
        m.conv(y, ConvSpec.of(8, 4, 1).weightName("c.weight").bias(false).source(source));
        m.renameLastOutput("y");
        m.output("y", OnnxConstants.FLOAT, 1, 4, 8, 8);
        return m;
    }

    static int cases() {
        return Integer.getInteger("fuzz.onnx.cases", DEFAULT_CASES);
    }

    /** The longest message a rejection may have: quoted names and values are bounded. */
    static final int MAX_MESSAGE = 2_000;

    /**
     * Reads a mutant, writes what was read and reads that back. A rejection must be one bounded
     * line; a written model must pass the reader's whole-model validation again.
     */
    static void readWriteRead(byte[] data) throws IOException {
        try {
            readWriteReadUnchecked(data);
        } catch (AmctException e) {
            String message = e.getMessage();
            if (message.length() > MAX_MESSAGE || message.contains("\n")) {
                throw new AssertionError(
                        "unbounded or multi-line message ("
                                + message.length()
                                + " characters): "
                                + message.substring(0, Math.min(300, message.length())),
                        e);
            }
            throw e;
        }
    }

    private static void readWriteReadUnchecked(byte[] data) throws IOException {
        Path file = folder.resolve("mutant.onnx");
        Files.write(file, data);
        OnnxModel model = OnnxModel.read(file);
        Path out = Files.createDirectories(folder.resolve("out")).resolve("written.onnx");
        model.write(model.graph(), out);
        OnnxModel.read(out);
    }

    private static void fuzz(String name, byte[] valid, long base, int cases) throws Exception {
        FuzzHarness.report(
                "onnx " + name + " (bytes)",
                FuzzHarness.run(
                        "onnx " + name + " (bytes)",
                        cases,
                        base,
                        seed -> org.amct.api.fuzz.MutationFuzzer.mutate(valid, seed),
                        OnnxReaderFuzzTest::readWriteRead));
        OnnxMutator mutator = new OnnxMutator(ModelProto.parseFrom(valid));
        FuzzHarness.report(
                "onnx " + name + " (structure)",
                FuzzHarness.run(
                        "onnx " + name + " (structure)",
                        cases,
                        base + 500_000,
                        mutator::mutant,
                        OnnxReaderFuzzTest::readWriteRead));
        FuzzHarness.report(
                "onnx " + name + " (hostile)",
                FuzzHarness.run(
                        "onnx " + name + " (hostile)",
                        cases / 2,
                        base + 800_000,
                        mutator::hostile,
                        OnnxReaderFuzzTest::mustBeRefused));
        FuzzHarness.report(
                "onnx " + name + " (long names)",
                FuzzHarness.run(
                        "onnx " + name + " (long names)",
                        cases / 10,
                        base + 900_000,
                        mutator::longName,
                        OnnxReaderFuzzTest::readWriteRead));
    }

    /** Every hostile mutant is invalid: it must be refused, with a bounded one-line message. */
    static void mustBeRefused(byte[] data) throws IOException {
        readWriteRead(data);
        throw new AssertionError("a hostile mutant was accepted and written back");
    }

    /**
     * One seed of each hostile class (issue 16) per input, replayed: before the whole-model
     * validation and the bounded quotes, the first three were read and written back with exit 0 and
     * the last gave a message of up to a megabyte.
     */
    @ParameterizedTest(name = "{0} seed {1}: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "initializers | 10800000 | is not valid UTF-8",
                "initializers | 10800001 | tensor 'unused.10800001'",
                "initializers | 10800002 | tensor 'k10800002'",
                "Constant nodes | 11800005 | is not valid UTF-8",
                "Constant nodes | 11800003 | tensor 'unused.11800003'",
                "Constant nodes | 11800004 | tensor 'k11800004'",
                "external data | 12800010 | is not valid UTF-8",
                "external data | 12800008 | tensor 'unused.12800008'",
                "external data | 12800009 | tensor 'k12800009'",
                // Found by these cases: values in the typed field of another data type.
                "external data | 12800126 | keeps its values in double_data"
            })
    void hostileClassesStayRefused(String input, long seed, String fragment) throws Exception {
        byte[] valid =
                switch (input) {
                    case "initializers" -> initializers;
                    case "Constant nodes" -> constants;
                    case "external data" -> external;
                    default -> throw new IllegalArgumentException(input);
                };
        byte[] mutant = new OnnxMutator(ModelProto.parseFrom(valid)).hostile(seed);
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> readWriteRead(mutant));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().contains("mutant.onnx"), e.getMessage());
        assertTrue(e.getMessage().length() < MAX_MESSAGE, e.getMessage());
    }

    /**
     * The bugs this fuzzer found, each replayed from its seed: before the fix each threw something
     * other than an {@code AmctException}. The expected message fragment makes sure the seed still
     * produces the same damage (a changed mutator or input would otherwise make this test moot).
     */
    @ParameterizedTest(name = "{0} seed {1}: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                // IOException 'Is a directory': external data location '.', the model's folder.
                "initializers | 10500009 | is a folder, expected the data file",
                // ArithmeticException: strides or dilations beyond 2^31-1 (Math.toIntExact).
                "initializers | 10500242 | expected two values 1 .. 2^31-1",
                // ArithmeticException: group beyond 2^31-1 (Math.toIntExact).
                "external data | 12500031 | group is",
                // InvalidPathException: a NUL character in the external data location.
                "external data | 12500073 | is not a valid file name here",
                // ArithmeticException: group below -2^31, on a weight held by a Constant node.
                "Constant nodes | 11500306 | group is -9223372036854775808"
            })
    void fuzzFindingsStayFixed(String input, long seed, String fragment) throws Exception {
        byte[] valid =
                switch (input) {
                    case "initializers" -> initializers;
                    case "Constant nodes" -> constants;
                    case "external data" -> external;
                    default -> throw new IllegalArgumentException(input);
                };
        byte[] mutant = new OnnxMutator(ModelProto.parseFrom(valid)).mutant(seed);
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> readWriteRead(mutant));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().contains("mutant.onnx"), e.getMessage());
    }

    /**
     * Long names replayed: before the bounded quotes, a megabyte weight name gave a message of a
     * megabyte (the hostile-input run saw a 1,000,160-character line).
     */
    @ParameterizedTest(name = "{0} seed {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "initializers | 10900000",
                "initializers | 10900001",
                "Constant nodes | 11900000"
            })
    void longNamesGiveBoundedMessages(String input, long seed) throws Exception {
        byte[] valid = input.equals("initializers") ? initializers : constants;
        byte[] mutant = new OnnxMutator(ModelProto.parseFrom(valid)).longName(seed);
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> readWriteRead(mutant));
        assertTrue(e.getMessage().contains("characters)"), e.getMessage());
        assertTrue(e.getMessage().length() < MAX_MESSAGE, e.getMessage());
    }

    @Test
    void generatedModelWithInitializers() throws Exception {
        fuzz("initializers", initializers, 10_000_000L, cases());
    }

    @Test
    void generatedModelWithConstantNodes() throws Exception {
        fuzz("Constant nodes", constants, 11_000_000L, cases());
    }

    @Test
    void generatedModelWithExternalData() throws Exception {
        fuzz("external data", external, 12_000_000L, cases());
    }

    @Test
    void realPaddleOcrModel() throws Exception {
        fuzz("PaddleOCR", paddle, 13_000_000L, cases() * 3 / 5);
    }
}
