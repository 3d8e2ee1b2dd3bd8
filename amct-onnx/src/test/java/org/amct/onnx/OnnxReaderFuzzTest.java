package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** Reads a mutant, writes what was read and reads that back. */
    static void readWriteRead(byte[] data) throws IOException {
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
