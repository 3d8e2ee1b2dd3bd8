package org.amct.api.fuzz;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.amct.api.exception.DecompositionInfoException;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.amct.api.schema.DecomposeInfoCodec;
import org.amct.conformance.ReferenceFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of the readers of untrusted files. Each test prints its case count, how many
 * mutants were still valid, and the longest case (see {@link FuzzHarness#report}). The ONNX reader
 * is fuzzed by {@code org.amct.onnx.OnnxReaderFuzzTest}.
 */
class ReaderFuzzTest {
    @TempDir Path temp;

    @Test
    void safetensorsReaderOnlySucceedsOrRejectsClearly() throws Exception {
        Path valid = temp.resolve("valid.safetensors");
        // A fixed tensor order (Map.of has none), so that a seed gives the same mutant every run.
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(
                "conv.weight",
                Tensor.fromDoubles(DType.FLOAT32, new int[] {4, 2, 3, 3}, new double[72]));
        tensors.put(
                "conv.bias",
                Tensor.fromDoubles(DType.FLOAT16, new int[] {4}, new double[] {1, 2, 3, 4}));
        Safetensors.write(valid, tensors, Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(valid);
        Path mutant = temp.resolve("mutant.safetensors");
        FuzzHarness.report(
                "safetensors",
                FuzzHarness.run(
                        "safetensors",
                        bytes,
                        1_000_000L,
                        data -> {
                            Files.write(mutant, data);
                            Safetensors.read(mutant);
                        }));
    }

    @Test
    void decompositionInfoReaderOnlySucceedsOrRejectsClearly() throws Exception {
        byte[] bytes =
                Files.readAllBytes(ReferenceFixtures.directory().resolve("decompose_info.json"));
        Path mutant = temp.resolve("mutant.json");
        FuzzHarness.report(
                "decompose_info.json",
                FuzzHarness.run(
                        "decompose_info.json",
                        bytes,
                        2_000_000L,
                        data -> {
                            Files.write(mutant, data);
                            DecomposeInfoCodec.read(mutant);
                        }));
    }

    /**
     * Found by this fuzzer: a mutant that is not UTF-8 made {@code Files.readString} throw {@code
     * MalformedInputException}, an {@code IOException} (exit code 1 in the CLI, no file named);
     * seed 2000000 was the first of many.
     */
    @Test
    void infoFileThatIsNotUtf8IsRejectedNamingTheFile() throws Exception {
        byte[] bytes =
                Files.readAllBytes(ReferenceFixtures.directory().resolve("decompose_info.json"));
        Path mutant =
                Files.write(temp.resolve("mutant.json"), MutationFuzzer.mutate(bytes, 2_000_000L));
        DecompositionInfoException e =
                assertThrows(
                        DecompositionInfoException.class, () -> DecomposeInfoCodec.read(mutant));
        assertTrue(e.getMessage().contains("mutant.json"), e.getMessage());
        assertTrue(e.getMessage().contains("is not UTF-8 text"), e.getMessage());
    }

    @Test
    void aRealSafetensorsFixtureSurvivesFuzzingToo() throws IOException, InterruptedException {
        byte[] bytes =
                Files.readAllBytes(
                        ReferenceFixtures.directory()
                                .resolve("v10_scfk_stem_32x3x7x7.safetensors"));
        Path mutant = temp.resolve("fixture-mutant.safetensors");
        FuzzHarness.report(
                "safetensors fixture",
                FuzzHarness.run(
                        "safetensors fixture",
                        bytes,
                        3_000_000L,
                        data -> {
                            Files.write(mutant, data);
                            Safetensors.read(mutant);
                        }));
    }
}
