package org.amct.api.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.amct.conformance.ReferenceFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of the readers of untrusted files. Each test prints its case count, how many
 * mutants were still valid, and the slowest case.
 */
class ReaderFuzzTest {
    @TempDir Path temp;

    private static void report(String reader, FuzzHarness.Outcome outcome) {
        System.out.printf(
                "fuzz %s: %d cases, %d accepted, %d rejected with AmctException, slowest %d ms (seed %d)%n",
                reader,
                outcome.cases(),
                outcome.accepted(),
                outcome.rejected(),
                outcome.slowestMillis(),
                outcome.slowestSeed());
        assertEquals(outcome.cases(), outcome.accepted() + outcome.rejected());
    }

    @Test
    void safetensorsReaderOnlySucceedsOrRejectsClearly() throws Exception {
        Path valid = temp.resolve("valid.safetensors");
        Safetensors.write(
                valid,
                Map.of(
                        "conv.weight",
                                Tensor.fromDoubles(
                                        DType.FLOAT32, new int[] {4, 2, 3, 3}, new double[72]),
                        "conv.bias",
                                Tensor.fromDoubles(
                                        DType.FLOAT16, new int[] {4}, new double[] {1, 2, 3, 4})),
                Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(valid);
        Path mutant = temp.resolve("mutant.safetensors");
        report(
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
        report(
                "decompose_info.json",
                FuzzHarness.run(
                        "decompose_info.json",
                        bytes,
                        2_000_000L,
                        data ->
                                org.amct.api.schema.DecomposeInfoCodecAccess.parse(
                                        new String(data, StandardCharsets.UTF_8))));
    }

    @Test
    void aRealSafetensorsFixtureSurvivesFuzzingToo() throws IOException, InterruptedException {
        byte[] bytes =
                Files.readAllBytes(
                        ReferenceFixtures.directory()
                                .resolve("v10_scfk_stem_32x3x7x7.safetensors"));
        Path mutant = temp.resolve("fixture-mutant.safetensors");
        report(
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
