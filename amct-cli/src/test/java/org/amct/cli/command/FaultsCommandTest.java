package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.amct.api.exception.DecompositionException;
import org.amct.api.exception.ErrorCategory;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.exception.NoUsableBackendException;
import org.amct.api.graph.Tensor;
import org.amct.onnx.OnnxModel;
import org.amct.spi.BackendException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI under bad input, failing backends and failing disks: a one-line message naming the file,
 * layer or field, the documented exit code (docs/errors.md), no half set of outputs, and input
 * files byte for byte as they were.
 */
class FaultsCommandTest {
    private static final List<String> OUTPUTS =
            List.of(
                    "tiny_resnet_decomposed.onnx",
                    "decompose_info.json",
                    "decomposed_weights.safetensors",
                    "report.json");

    @TempDir Path temp;

    /** A private copy of the example model, so that the tests can check it stays unchanged. */
    private Path example() throws IOException {
        Path in = Files.createDirectories(temp.resolve("in"));
        Path copy = in.resolve("tiny_resnet.onnx");
        if (!Files.exists(copy)) {
            Files.copy(CliRun.EXAMPLE, copy);
        }
        return copy;
    }

    /** Every entry of a folder (hidden ones too) with its bytes; folders as empty arrays. */
    private static Map<String, byte[]> snapshot(Path folder) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        if (!Files.exists(folder)) {
            return out;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                out.put(
                        file.getFileName().toString(),
                        Files.isDirectory(file) ? new byte[0] : Files.readAllBytes(file));
            }
        }
        return out;
    }

    private static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> found) {
        assertEquals(expected.keySet(), found.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, found.get(name), name));
    }

    /** Exit code, and one line on stderr holding every fragment; no stack trace. */
    private static void assertFails(CliRun run, int code, String... fragments) {
        assertEquals(code, run.exitCode(), run.toString());
        String err = run.err().strip();
        assertTrue(err.startsWith("amct: error: "), run.toString());
        assertFalse(err.contains("\n"), "one line: " + run);
        for (String fragment : fragments) {
            assertTrue(err.contains(fragment), "'" + fragment + "' in " + run);
        }
    }

    private CliRun decompose(Path model, Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("decompose", model.toString()));
        args.addAll(List.of("-o", out.toString(), "--threads", "1"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private Path withNanWeight() throws IOException {
        OnnxModel onnx = OnnxModel.read(example());
        Map<String, Tensor> state = new LinkedHashMap<>(onnx.graph().stateDict());
        Tensor weight = state.get("layer1.0.conv1.weight");
        double[] values = new double[(int) weight.numel()];
        values[7] = Double.NaN;
        state.put(
                "layer1.0.conv1.weight",
                Tensor.fromDoubles(weight.dtype(), weight.shape(), values));
        Path file = temp.resolve("in").resolve("nan.onnx");
        onnx.write(onnx.graph().loadStateDict(state), file);
        return file;
    }

    @Test
    void badModelsAreExitCodeThreeAndLeaveNoOutput() throws IOException {
        byte[] valid = Files.readAllBytes(example());
        Path in = temp.resolve("in");
        Map<Path, String> models = new LinkedHashMap<>();
        models.put(Files.write(in.resolve("empty.onnx"), new byte[0]), "is empty");
        models.put(
                Files.write(in.resolve("cut.onnx"), Arrays.copyOf(valid, valid.length / 2)),
                "not a valid ONNX model");
        models.put(
                Files.write(
                        in.resolve("model.pt"),
                        "PK\u0003\u0004...".getBytes(StandardCharsets.ISO_8859_1)),
                "ZIP archive");
        models.put(withNanWeight(), "layer1.0.conv1");
        int i = 0;
        for (Map.Entry<Path, String> model : models.entrySet()) {
            byte[] before = Files.readAllBytes(model.getKey());
            Path out = temp.resolve("out" + i++);
            CliRun run = decompose(model.getKey(), out);
            assertFails(run, 3, model.getKey().getFileName().toString(), model.getValue());
            assertFalse(Files.exists(out), "the output folder made by the run is removed again");
            assertArrayEquals(before, Files.readAllBytes(model.getKey()));
        }
        CliRun inspect = CliRun.of("inspect", in.resolve("cut.onnx").toString());
        assertFails(inspect, 3, "cut.onnx");
    }

    @Test
    void badWeightsAndInfoFilesForApplyAreExitCodeThree() throws IOException {
        Path reference = temp.resolve("reference");
        assertEquals(0, decompose(example(), reference).exitCode());
        Path info = reference.resolve("decompose_info.json");
        byte[] weights = Files.readAllBytes(reference.resolve("decomposed_weights.safetensors"));
        Path in = temp.resolve("in");
        Map<Path, String> badWeights = new LinkedHashMap<>();
        badWeights.put(
                Files.write(in.resolve("short.safetensors"), new byte[] {1, 2}), "too short");
        badWeights.put(
                Files.write(
                        in.resolve("cut.safetensors"), Arrays.copyOf(weights, weights.length - 10)),
                "cut.safetensors");
        int i = 0;
        for (Map.Entry<Path, String> bad : badWeights.entrySet()) {
            Path out = temp.resolve("apply" + i++);
            CliRun run =
                    CliRun.of(
                            "apply",
                            example().toString(),
                            "--info",
                            info.toString(),
                            "--weights",
                            bad.getKey().toString(),
                            "-o",
                            out.toString());
            assertFails(run, 3, bad.getKey().getFileName().toString(), bad.getValue());
            assertFalse(Files.exists(out), "the output folder made by the run is removed again");
        }
        String json = Files.readString(info);
        Map<Path, String> badInfo = new LinkedHashMap<>();
        badInfo.put(
                Files.write(in.resolve("latin1.json"), new byte[] {'[', (byte) 0xe9, ']'}),
                "is not UTF-8 text");
        badInfo.put(Files.writeString(in.resolve("object.json"), "{}"), "object.json");
        badInfo.put(
                Files.write(in.resolve("weights-for-info.json"), weights),
                "looks like a safetensors weights file (pass it with --weights)");
        badInfo.put(
                Files.copy(example(), in.resolve("model-for-info.json")),
                "looks like a binary protobuf file such as an ONNX model");
        badInfo.put(
                Files.writeString(
                        in.resolve("twice.json"),
                        json.replace("\"layer1.0.conv2\"", "\"layer1.0.conv1\"")),
                "listed twice");
        for (Map.Entry<Path, String> bad : badInfo.entrySet()) {
            Path out = temp.resolve("apply" + i++);
            CliRun run =
                    CliRun.of(
                            "apply",
                            example().toString(),
                            "--info",
                            bad.getKey().toString(),
                            "-o",
                            out.toString());
            assertFails(run, 3, bad.getKey().getFileName().toString(), bad.getValue());
            assertFalse(Files.exists(out), "the output folder made by the run is removed again");
        }
    }

    @Test
    void backendsThatCannotRunAreExitCodeFour() throws IOException {
        CliRun unknown = decompose(example(), temp.resolve("o1"), "--backend", "nosuch");
        assertFails(unknown, 4, "Unknown backend 'nosuch'", "Known backends:", "ejml");
        Optional<String> unavailable =
                CliRun.of("backends")
                        .out()
                        .lines()
                        .map(String::strip)
                        .filter(l -> l.matches("[a-z0-9-]+: unavailable.*"))
                        .map(l -> l.substring(0, l.indexOf(':')))
                        .findFirst();
        assumeTrue(
                unavailable.isPresent(),
                "every backend on this machine is available, so none can be forced unavailable");
        CliRun forced = decompose(example(), temp.resolve("o2"), "--backend", unavailable.get());
        assertFails(forced, 4, "'" + unavailable.get() + "' was requested but is unavailable");
    }

    @Test
    void backendFailuresAreFourBadWeightsThreeIoFiveAndBugsOne() {
        assertEquals(
                ExitCode.BACKEND_UNAVAILABLE,
                ErrorHandler.exitCode(new NoUsableBackendException("none")));
        assertEquals(
                ExitCode.BACKEND_UNAVAILABLE,
                ErrorHandler.exitCode(new BackendException("cuda: no device")));
        assertEquals(
                ExitCode.BACKEND_UNAVAILABLE,
                ErrorHandler.exitCode(
                        new DecompositionException(
                                "Layer 'a': backend 'x' failed", new BackendException("gesvd"))));
        assertEquals(
                ExitCode.INVALID_INPUT,
                ErrorHandler.exitCode(new DecompositionException("Layer 'a': weight holds NaN")));
        assertEquals(ExitCode.INVALID_INPUT, ErrorHandler.exitCode(new ModelFormatException("x")));
        assertEquals(
                ExitCode.BACKEND_UNAVAILABLE,
                ErrorHandler.exitCode(
                        new DecompositionException(
                                ErrorCategory.BACKEND,
                                "Layer 'a': backend 'x' returned an invalid spectrum",
                                null)));
        assertEquals(ExitCode.IO_ERROR, ErrorHandler.exitCode(new IOException("disk")));
        assertEquals(
                ExitCode.IO_ERROR,
                ErrorHandler.exitCode(new java.io.UncheckedIOException(new IOException("disk"))));
        assertEquals(ExitCode.INTERNAL_ERROR, ErrorHandler.exitCode(new IllegalStateException()));
    }

    @Test
    void outputFoldersThatCannotBeUsedAreExitCodeThree() throws IOException {
        Path file = Files.writeString(temp.resolve("out.txt"), "x");
        assertFails(decompose(example(), file), 3, "out.txt' is a file");
        assertFails(
                decompose(example(), file.resolve("x")),
                3,
                "Cannot create the output folder",
                "out.txt' is a file, not a folder");
        Path full = temp.resolve("full");
        assertEquals(0, decompose(example(), full).exitCode());
        Map<String, byte[]> before = snapshot(full);
        assertFails(
                decompose(example(), full),
                3,
                "already holds tiny_resnet_decomposed.onnx, decompose_info.json",
                "--overwrite");
        assertSameFiles(before, snapshot(full));
        assertEquals(OUTPUTS.stream().sorted().toList(), List.copyOf(before.keySet()));
    }

    @Test
    void overwriteReplacesTheWholeSetAndRemovesOutputsThisRunDoesNotWrite() throws IOException {
        Path out = temp.resolve("out");
        assertEquals(0, decompose(example(), out, "--report-html").exitCode());
        assertTrue(Files.exists(out.resolve("report.html")));
        CliRun again = decompose(example(), out, "--overwrite");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(OUTPUTS.stream().sorted().toList(), List.copyOf(snapshot(out).keySet()));
    }

    /** The sizes, rounded up to 4 KiB pages, of the outputs of decomposing the example. */
    private Map<String, Long> outputPages() throws IOException {
        Path sizes = temp.resolve("sizes");
        assertEquals(0, decompose(example(), sizes).exitCode());
        Map<String, Long> out = new TreeMap<>();
        for (String name : OUTPUTS) {
            out.put(name, (Files.size(sizes.resolve(name)) + 4095) / 4096 * 4096);
        }
        return out;
    }

    /** Runs {@code test} with a tmpfs of {@code bytes} mounted on {@code folder}. */
    private static void onTmpfs(Path folder, long bytes, ThrowingRunnable test) throws Exception {
        Files.createDirectories(folder);
        try {
            SystemCommands.mountTmpfs(folder, bytes);
        } catch (IOException e) {
            assumeTrue(false, "No tmpfs can be mounted here, so no full disk: " + e.getMessage());
        }
        try {
            test.run();
        } finally {
            SystemCommands.unmount(folder);
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aFullDiskOnTheThirdOutputLeavesNoOutputAtAll() throws Exception {
        Map<String, Long> pages = outputPages();
        // Room for the info file and the model (outputs 1 and 2), not for the weights (3).
        long room = pages.get("decompose_info.json") + pages.get("tiny_resnet_decomposed.onnx");
        assertTrue(pages.get("decomposed_weights.safetensors") > 8 * 4096, pages.toString());
        Path disk = temp.resolve("disk");
        byte[] model = Files.readAllBytes(example());
        onTmpfs(
                disk,
                room + 8 * 4096,
                () -> {
                    Path out = disk.resolve("out");
                    CliRun run = decompose(example(), out);
                    assertFails(
                            run, 5, "decomposed_weights.safetensors", "No space left on device");
                    assertFalse(Files.exists(out), "no output, no staging, no folder");
                });
        assertArrayEquals(model, Files.readAllBytes(example()));
    }

    @Test
    void aFullDiskLeavesTheSetOfAnEarlierRunAsItWas() throws Exception {
        Map<String, Long> pages = outputPages();
        long set = pages.values().stream().mapToLong(Long::longValue).sum();
        long room = pages.get("decompose_info.json") + pages.get("tiny_resnet_decomposed.onnx");
        Path disk = temp.resolve("disk");
        onTmpfs(
                disk,
                set + room + 8 * 4096,
                () -> {
                    Path out = disk.resolve("out");
                    assertEquals(0, decompose(example(), out).exitCode());
                    Map<String, byte[]> before = snapshot(out);
                    CliRun run = decompose(example(), out, "--overwrite", "--report-html");
                    assertFails(run, 5, "No space left on device");
                    assertSameFiles(before, snapshot(out));
                });
    }

    @Test
    void aMoveFailingDuringTheCommitPutsTheEarlierSetBack() throws Exception {
        Path out = temp.resolve("out");
        assertEquals(0, decompose(example(), out, "--report-html").exitCode());
        Map<String, byte[]> before = snapshot(out);
        // The weights (third output) cannot be moved aside or replaced, not even by root.
        Path locked = out.resolve("decomposed_weights.safetensors");
        try {
            SystemCommands.chattr("+i", locked);
        } catch (IOException e) {
            assumeTrue(false, "chattr +i is not possible here, so no failing move: " + e);
        }
        CliRun run;
        try {
            run = decompose(example(), out, "--overwrite");
        } finally {
            SystemCommands.chattr("-i", locked);
        }
        assertFails(run, 5, "decomposed_weights.safetensors");
        assertSameFiles(before, snapshot(out));
    }
}
