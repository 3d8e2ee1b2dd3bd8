package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.amct.api.exception.ErrorCategory;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtherCommandsTest {
    @TempDir static Path decomposed;
    @TempDir Path temp;

    @BeforeAll
    static void decomposeTheExample() {
        CliRun run =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        decomposed.toString(),
                        "--overwrite");
        assertEquals(0, run.exitCode(), run.toString());
    }

    private static Path info() {
        return decomposed.resolve("decompose_info.json");
    }

    private static Path weights() {
        return decomposed.resolve("decomposed_weights.safetensors");
    }

    @Test
    void applyWithWeightsReproducesTheDecomposedModel() throws IOException {
        Path out = temp.resolve("out");
        CliRun run =
                CliRun.of(
                        "apply",
                        CliRun.EXAMPLE.toString(),
                        "--info",
                        info().toString(),
                        "--weights",
                        weights().toString(),
                        "-o",
                        out.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertArrayEquals(
                Files.readAllBytes(decomposed.resolve("tiny_resnet_decomposed.onnx")),
                Files.readAllBytes(out.resolve("tiny_resnet_decomposed.onnx")));
    }

    @Test
    void applyWithoutWeightsSaysTheWeightsAreFresh() {
        CliRun run =
                CliRun.of(
                        "apply",
                        CliRun.EXAMPLE.toString(),
                        "--info",
                        info().toString(),
                        "-o",
                        temp.resolve("out").toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("fresh random weights"), run.out());
    }

    @Test
    void applyRejectsWeightsThatDoNotFitStrictly() throws IOException {
        Map<String, Tensor> partial = new LinkedHashMap<>(Safetensors.read(weights()).tensors());
        partial.remove("layer1.0.conv1.0.weight");
        partial.put("bn1.running_mean", Tensor.ofFloats(new int[] {1}, new float[] {0}));
        Path bad = temp.resolve("bad.safetensors");
        Safetensors.write(bad, partial, Map.of());
        CliRun run =
                CliRun.of(
                        "apply",
                        CliRun.EXAMPLE.toString(),
                        "--info",
                        info().toString(),
                        "--weights",
                        bad.toString(),
                        "-o",
                        temp.resolve("out").toString());
        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.err().contains("layer1.0.conv1.0.weight"), run.err());
        assertTrue(run.err().contains("bn1.running_mean"), run.err());
    }

    @Test
    void applyRejectsAnInfoFileOfAnotherModel() throws IOException {
        Path other = temp.resolve("other.json");
        Files.writeString(
                other, Files.readString(info()).replace("\"layer1.0.conv1\"", "\"layer9.conv\""));
        CliRun run =
                CliRun.of(
                        "apply",
                        CliRun.EXAMPLE.toString(),
                        "--info",
                        other.toString(),
                        "-o",
                        temp.resolve("out").toString());
        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.err().contains("layer9.conv"), run.err());
        Path malformed = Files.writeString(temp.resolve("malformed.json"), "[{");
        CliRun bad =
                CliRun.of(
                        "apply",
                        CliRun.EXAMPLE.toString(),
                        "--info",
                        malformed.toString(),
                        "-o",
                        temp.resolve("out2").toString());
        assertEquals(3, bad.exitCode(), bad.toString());
    }

    @Test
    void inspectListsEveryConvWithReasonsAndRanks() {
        CliRun run = CliRun.of("inspect", CliRun.EXAMPLE.toString(), "--ranks", "--threads", "1");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("layer2.0.downsample.0"), run.out());
        assertTrue(run.out().contains("has a side < 3"), run.out());
        assertTrue(run.out().contains("SCFK"), run.out());
        assertTrue(run.out().contains("6 Conv2d layers, 4 eligible"), run.out());
        CliRun paddle = CliRun.of("inspect", CliRun.PADDLE.toString());
        assertEquals(0, paddle.exitCode(), paddle.toString());
        assertTrue(paddle.out().contains("53 Conv2d layers, 0 eligible"), paddle.out());
    }

    @Test
    void backendsListsProvidersAndThePick() {
        CliRun run = CliRun.of("backends");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("ejml: available"), run.out());
        assertTrue(run.out().contains("Would use: "), run.out());
    }

    @Test
    void exitCodesAreTheDocumentedOnes() {
        assertEquals(0, ExitCode.SUCCESS.code());
        assertEquals(1, ExitCode.INTERNAL_ERROR.code());
        assertEquals(2, ExitCode.USAGE.code());
        assertEquals(3, ExitCode.INVALID_INPUT.code());
        assertEquals(4, ExitCode.BACKEND_UNAVAILABLE.code());
        assertEquals(5, ExitCode.IO_ERROR.code());
        for (ErrorCategory category : ErrorCategory.values()) {
            assertTrue(ExitCode.of(category).code() > 0, category.toString());
        }
        assertEquals(ExitCode.INTERNAL_ERROR, ExitCode.of(ErrorCategory.INTERNAL));
        assertEquals(ExitCode.IO_ERROR, ExitCode.of(ErrorCategory.IO));
    }
}
