package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.amct.api.graph.Tensor;
import org.amct.onnx.OnnxModel;
import org.amct.onnx.OnnxWriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs are never replaced or deleted, whatever {@code --overwrite} says, and no run leaves debris
 * or silently replaces another run's set: one test per output name and input kind.
 */
class InputsAreSacredTest {
    @TempDir Path temp;

    /** Every entry of a folder (hidden ones too) with its bytes; folders as empty arrays. */
    private static Map<String, byte[]> snapshot(Path folder) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                out.put(
                        file.getFileName().toString(),
                        Files.isDirectory(file) ? new byte[0] : Files.readAllBytes(file));
            }
        }
        return out;
    }

    private static void assertSame(Map<String, byte[]> expected, Map<String, byte[]> found) {
        assertEquals(expected.keySet(), found.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, found.get(name), name));
    }

    private static void assertRefused(CliRun run, String output, String input) {
        assertEquals(3, run.exitCode(), run.toString());
        String err = run.err().strip();
        assertTrue(err.startsWith("amct: error: The output '"), run.toString());
        assertFalse(err.contains("\n"), run.toString());
        assertTrue(err.contains(output), "output " + output + " named: " + run);
        assertTrue(err.contains("would replace the " + input), input + " named: " + run);
        assertTrue(err.contains("--overwrite never replaces an input"), run.toString());
    }

    private Path in() throws IOException {
        return Files.createDirectories(temp.resolve("in"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "report.json",
                "decompose_info.json",
                "decomposed_weights.safetensors",
                "report.html"
            })
    void aModelNamedLikeAnOutputIsNeverReplaced(String name) throws IOException {
        Path model = Files.copy(CliRun.EXAMPLE, in().resolve(name));
        Map<String, byte[]> before = snapshot(in());
        CliRun run =
                CliRun.of(
                        "decompose",
                        model.toString(),
                        "-o",
                        in().toString(),
                        "--overwrite",
                        "--report-html",
                        "--threads",
                        "1");
        assertRefused(run, name, "model '");
        assertSame(before, snapshot(in()));
        // Without --overwrite, too, and through a link to the folder.
        Path link = Files.createSymbolicLink(temp.resolve("link"), in());
        assertRefused(
                CliRun.of("decompose", model.toString(), "-o", link.toString()), name, "model '");
        assertSame(before, snapshot(in()));
    }

    @Test
    void aModelLinkedUnderAnOutputNameIsNeverReplaced() throws IOException {
        Path model = Files.copy(CliRun.EXAMPLE, in().resolve("tiny_resnet.onnx"));
        Path out = Files.createDirectories(temp.resolve("out"));
        Files.createSymbolicLink(out.resolve("report.json"), model);
        CliRun run = CliRun.of("decompose", model.toString(), "-o", out.toString(), "--overwrite");
        assertRefused(run, "report.json", "model '");
        assertTrue(Files.isSymbolicLink(out.resolve("report.json")));
        assertArrayEquals(Files.readAllBytes(CliRun.EXAMPLE), Files.readAllBytes(model));
    }

    /** The example with its tensors in an external data file of the given name. */
    private Path externalModel(String modelName, String dataName) throws IOException {
        OnnxModel example = OnnxModel.read(CliRun.EXAMPLE);
        Path staging = Files.createDirectories(temp.resolve("write"));
        Path written = staging.resolve(dataName.substring(0, dataName.length() - ".data".length()));
        example.write(example.graph(), written, new OnnxWriteOptions(0, 0));
        Path model = Files.move(written, in().resolve(modelName));
        Files.move(staging.resolve(dataName), in().resolve(dataName));
        assertEquals(1, OnnxModel.read(model).externalDataFiles().size());
        return model;
    }

    @Test
    void externalDataNamedLikeTheOutputsDataFileIsNeverReplaced() throws IOException {
        Path model = externalModel("model.onnx", "model_decomposed.onnx.data");
        Map<String, byte[]> before = snapshot(in());
        CliRun run = CliRun.of("decompose", model.toString(), "-o", in().toString(), "--overwrite");
        assertRefused(run, "model_decomposed.onnx.data", "external data file of the model");
        assertSame(before, snapshot(in()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"info", "weights"})
    void applysInfoAndWeightsNamedLikeItsOutputsAreNeverReplaced(String kind) throws IOException {
        Path reference = temp.resolve("reference");
        Path example = Files.copy(CliRun.EXAMPLE, in().resolve("tiny_resnet.onnx"));
        assertEquals(
                0,
                CliRun.of("decompose", example.toString(), "-o", reference.toString()).exitCode());
        boolean info = kind.equals("info");
        // The info file named like the output model, the weights like its data file.
        Path infoFile =
                Files.copy(
                        reference.resolve("decompose_info.json"),
                        in().resolve(info ? "tiny_resnet_decomposed.onnx" : "info.json"));
        Path weightsFile =
                Files.copy(
                        reference.resolve("decomposed_weights.safetensors"),
                        in().resolve(info ? "w.safetensors" : "tiny_resnet_decomposed.onnx.data"));
        Map<String, byte[]> before = snapshot(in());
        CliRun run =
                CliRun.of(
                        "apply",
                        example.toString(),
                        "--info",
                        infoFile.toString(),
                        "--weights",
                        weightsFile.toString(),
                        "-o",
                        in().toString(),
                        "--overwrite");
        assertRefused(
                run,
                info ? "tiny_resnet_decomposed.onnx'" : "tiny_resnet_decomposed.onnx.data",
                info ? "decomposition-info file" : "weights file");
        assertSame(before, snapshot(in()));
    }

    /** A small float32 batch for the example model's input, saved under the given name. */
    private static Path images(Path file) throws IOException {
        return VerifyCommandTest.npy(file, new long[] {2, 3, 32, 32}, 7);
    }

    /**
     * The forms of {@code --calibration} and {@code --verify} data: a file, {@code NAME=PATH}, and
     * a folder whose file an output name links to.
     */
    @ParameterizedTest
    @ValueSource(strings = {"--calibration", "--verify"})
    void dataNamedLikeAnOutputIsNeverReplaced(String option) throws IOException {
        Path model = Files.copy(CliRun.EXAMPLE, in().resolve("tiny_resnet.onnx"));
        String what = (option.equals("--verify") ? "verify" : "calibration") + " data (" + option;
        Path data = images(in().resolve("report.json"));
        Map<String, byte[]> before = snapshot(in());
        for (String spec : List.of(data.toString(), "input=" + data)) {
            CliRun run =
                    CliRun.of(
                            "decompose",
                            model.toString(),
                            "-o",
                            in().toString(),
                            "--overwrite",
                            option,
                            spec,
                            "--threads",
                            "1");
            assertRefused(run, "report.json", what);
            assertSame(before, snapshot(in()));
        }
        // A folder of data: an output name that links to one of its files.
        Path chips = Files.createDirectories(temp.resolve("chips"));
        Path chip = images(chips.resolve("a.npy"));
        Path out = Files.createDirectories(temp.resolve("out"));
        Files.createSymbolicLink(out.resolve("decomposed_weights.safetensors"), chip);
        byte[] chipBytes = Files.readAllBytes(chip);
        CliRun run =
                CliRun.of(
                        "decompose",
                        model.toString(),
                        "-o",
                        out.toString(),
                        "--overwrite",
                        option,
                        chips.toString());
        assertRefused(run, "decomposed_weights.safetensors", what);
        assertArrayEquals(chipBytes, Files.readAllBytes(chip));
        assertTrue(Files.isSymbolicLink(out.resolve("decomposed_weights.safetensors")));
        assertEquals(
                List.of("decomposed_weights.safetensors"), List.copyOf(snapshot(out).keySet()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--calibration", "--verify"})
    void theOutputFolderIsNeverADataFolderNorInsideOne(String option) throws IOException {
        Path model = Files.copy(CliRun.EXAMPLE, in().resolve("tiny_resnet.onnx"));
        Path chips = Files.createDirectories(temp.resolve("chips"));
        images(chips.resolve("a.npy"));
        Map<String, byte[]> before = snapshot(chips);
        String what = (option.equals("--verify") ? "verify" : "calibration") + " data (" + option;
        for (Path output : List.of(chips, chips.resolve("sub"), chips.resolve("sub/deeper"))) {
            CliRun run =
                    CliRun.of(
                            "decompose",
                            model.toString(),
                            "-o",
                            output.toString(),
                            option,
                            "input=" + chips);
            assertEquals(3, run.exitCode(), run.toString());
            String err = run.err().strip();
            assertFalse(err.contains("\n"), run.toString());
            assertTrue(
                    err.startsWith("amct: error: The output folder '" + output + "' is "),
                    run.toString());
            assertTrue(
                    err.contains((output.equals(chips) ? " is the " : " is inside the ") + what),
                    run.toString());
            assertTrue(err.contains("choose another output folder (-o)"), run.toString());
            assertSame(before, snapshot(chips));
        }
    }

    @Test
    void aRankFileNamedLikeAnOutputIsNeverReplaced() throws IOException {
        Path model = Files.copy(CliRun.EXAMPLE, in().resolve("tiny_resnet.onnx"));
        Path ranks = Files.writeString(in().resolve("decompose_info.json"), "{\"conv1\": 16}");
        Map<String, byte[]> before = snapshot(in());
        CliRun run =
                CliRun.of(
                        "decompose",
                        model.toString(),
                        "-o",
                        in().toString(),
                        "--overwrite",
                        "--ranks",
                        ranks.toString());
        assertRefused(run, "decompose_info.json", "rank file (--ranks)");
        assertSame(before, snapshot(in()));
    }

    @Test
    void twoRunsOnTheSameInputWriteTheSameModelInfoAndWeights() throws IOException {
        Path model = Files.copy(CliRun.EXAMPLE, in().resolve("tiny_resnet.onnx"));
        Path a = temp.resolve("a");
        Path b = temp.resolve("b");
        // The same options: the thread count may change the last bits of the factors.
        assertEquals(0, CliRun.of("decompose", model.toString(), "-o", a.toString()).exitCode());
        assertEquals(0, CliRun.of("decompose", model.toString(), "-o", b.toString()).exitCode());
        // report.json measures seconds, so it differs; everything else is byte for byte equal.
        for (String name :
                List.of(
                        "tiny_resnet_decomposed.onnx",
                        "decompose_info.json",
                        "decomposed_weights.safetensors")) {
            assertArrayEquals(
                    Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
        }
    }

    @Test
    void anEmptyOutputIsAUsageError() throws IOException {
        Path model = Files.copy(CliRun.EXAMPLE, in().resolve("tiny_resnet.onnx"));
        Path cwd = Path.of("").toAbsolutePath();
        Map<String, byte[]> before = snapshot(cwd);
        for (String blank : List.of("", " ")) {
            CliRun run = CliRun.of("decompose", model.toString(), "-o", blank);
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.err().contains("must name a folder, not an empty string"), run.err());
            CliRun apply =
                    CliRun.of("apply", model.toString(), "--info", model.toString(), "-o", blank);
            assertEquals(2, apply.exitCode(), apply.toString());
        }
        assertEquals(before.keySet(), snapshot(cwd).keySet());
    }

    @Test
    void applyRefusesNonFiniteWeightsNamingTheTensorAndIndex() throws IOException {
        Path example = Files.copy(CliRun.EXAMPLE, in().resolve("tiny_resnet.onnx"));
        Path reference = temp.resolve("reference");
        assertEquals(
                0,
                CliRun.of("decompose", example.toString(), "-o", reference.toString()).exitCode());
        Path weights = reference.resolve("decomposed_weights.safetensors");
        var read = org.amct.api.format.Safetensors.read(weights);
        Map<String, Tensor> tensors = new LinkedHashMap<>(read.tensors());
        String name = tensors.keySet().iterator().next();
        Tensor t = tensors.get(name);
        float[] values = t.toFloats();
        values[5] = Float.NaN;
        tensors.put(name, Tensor.ofFloats(t.shape(), values));
        Path nan = temp.resolve("nan.safetensors");
        org.amct.api.format.Safetensors.write(nan, tensors, Map.of());
        Path out = temp.resolve("out");
        CliRun run =
                CliRun.of(
                        "apply",
                        example.toString(),
                        "--info",
                        reference.resolve("decompose_info.json").toString(),
                        "--weights",
                        nan.toString(),
                        "-o",
                        out.toString());
        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.err().contains("nan.safetensors"), run.err());
        assertTrue(run.err().contains("'" + name + "': element 5 "), run.err());
        assertTrue(run.err().contains("is NaN"), run.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void theAlreadyHoldsCheckIsRepeatedAtCommitTime() throws IOException {
        Path out = Files.createDirectories(temp.resolve("out"));
        List<String> outputs = List.of("a.txt", "b.txt");
        StringWriter err = new StringWriter();
        try (OutputFolder folder =
                OutputFolder.prepare(out, false, outputs, new PrintWriter(err, true))) {
            folder.write("a.txt", o -> o.write("mine".getBytes()));
            // Another run commits its set in the meantime.
            Files.writeString(out.resolve("a.txt"), "theirs");
            InvalidInputException e = assertThrows(InvalidInputException.class, folder::commit);
            assertTrue(e.getMessage().contains("already holds a.txt"), e.getMessage());
            assertTrue(e.getMessage().contains("written by another run"), e.getMessage());
        }
        assertEquals(List.of("a.txt"), List.copyOf(snapshot(out).keySet()));
        assertEquals("theirs", Files.readString(out.resolve("a.txt")));
        assertEquals("", err.toString());
    }

    @Test
    void stagingFoldersOfDeadRunsAreRemovedAndThoseOfLiveRunsKept() throws Exception {
        Path out = Files.createDirectories(temp.resolve("out"));
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().map(Instant::toEpochMilli).orElseThrow();
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        List<String> live =
                List.of(
                        ".amct-staging-" + self.pid() + "-" + start + "-123",
                        ".amct-staging-42", // an older version's name: owner unknown
                        ".amct-staging-notanumber-1-2");
        List<String> dead =
                List.of(
                        ".amct-staging-" + finished.pid() + "-" + start + "-7",
                        // the id of a live process that started at another time: reused
                        ".amct-staging-" + self.pid() + "-" + (start - 3_600_000) + "-9");
        List<String> all = new ArrayList<>(live);
        all.addAll(dead);
        for (String name : all) {
            Files.writeString(Files.createDirectories(out.resolve(name)).resolve("x.onnx"), "x");
        }
        StringWriter err = new StringWriter();
        try (OutputFolder folder =
                OutputFolder.prepare(out, false, List.of("a.txt"), new PrintWriter(err, true))) {
            folder.write("a.txt", o -> o.write(1));
            folder.commit();
        }
        List<String> expected = new ArrayList<>(live);
        expected.add("a.txt");
        assertEquals(expected.stream().sorted().toList(), List.copyOf(snapshot(out).keySet()));
        assertEquals("", err.toString());
    }

    @Test
    void theRunsOwnStagingFolderNamesItsProcess() throws IOException {
        Path out = Files.createDirectories(temp.resolve("out"));
        try (OutputFolder folder =
                OutputFolder.prepare(
                        out, false, List.of("a.txt"), new PrintWriter(new StringWriter()))) {
            Path staged = folder.resolve("a.txt").getParent();
            String name = staged.getFileName().toString();
            assertTrue(
                    name.startsWith(".amct-staging-" + ProcessHandle.current().pid() + "-"), name);
            assertFalse(OutputFolder.isDead(name), name);
        }
        assertEquals(List.of(), List.copyOf(snapshot(out).keySet()));
    }
}
