package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Tensor;
import org.amct.onnx.OnnxModel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model whose tensor data is four times the heap is decomposed by a forked {@code amct decompose}
 * (the {@code ./amct} launcher on this build's jars) with {@code -Xmx64m}: tensor data stays in
 * memory maps of the model's files, and the outputs are streamed from them. Once with every tensor
 * in the model file and once with external data; the large tensor arrives unchanged in the
 * decomposed model and in the weights file, and the input files are unchanged.
 */
class LargeModelIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The forked run's heap; the model's tensors take about four times as much. */
    private static final long HEAP_MIB = 64;

    @TempDir Path temp;

    @ParameterizedTest(name = "external data: {0}")
    @ValueSource(booleans = {false, true})
    void aModelFourTimesTheHeapIsDecomposed(boolean external) throws Exception {
        Path model = temp.resolve("in").resolve("big.onnx");
        long data =
                LargeOnnxModels.write(
                        model, new LargeOnnxModels.Spec(4, 64, 3, 4 * HEAP_MIB, external));
        assertTrue(data > 4 * HEAP_MIB << 20, data + " bytes of tensor data");
        Map<String, String> before = digests(model.getParent());
        Path out = temp.resolve("out");
        decompose(model, out, HEAP_MIB, temp.resolve("spill"), false);

        Path decomposed = out.resolve("big_decomposed.onnx");
        assertEquals(external, Files.exists(out.resolve("big_decomposed.onnx.data")));
        OnnxModel written = OnnxModel.read(decomposed);
        Map<String, Conv2d> convs = written.graph().convs();
        assertEquals(8, convs.size(), "four layers, each as two convs: " + convs.keySet());
        Tensor large = OnnxModel.read(model).otherParameters().get("fc.weight");
        assertEquals(large, written.otherParameters().get("fc.weight"));
        assertTrue(
                Files.size(out.resolve("decomposed_weights.safetensors")) > large.byteSize(),
                "the state dict holds fc.weight");
        assertEquals(before, digests(model.getParent()), "the inputs are unchanged");
    }

    /**
     * New weights beyond a quarter of the heap go to memory-mapped temporary files: 48 layers whose
     * factors take about 60 MB, under a 128 MB heap (32 MB for them), give the same decomposed
     * model and weights file, byte for byte, as under a heap that holds them all, and leave nothing
     * in the temporary folder.
     */
    @org.junit.jupiter.api.Test
    void newWeightsBeyondTheHeapShareAreSpilledWithTheSameOutputs() throws Exception {
        Path model = temp.resolve("in").resolve("deep.onnx");
        LargeOnnxModels.write(model, new LargeOnnxModels.Spec(48, 256, 3, 0, false));
        Path spill = temp.resolve("spill");
        Path small = temp.resolve("small");
        Path large = temp.resolve("large");
        String spilled = decompose(model, small, 2 * HEAP_MIB, spill, true);
        String inHeap = decompose(model, large, 1024, spill, true);
        assertTrue(spilled.contains("kept in memory-mapped temporary files in " + spill), spilled);
        assertTrue(!inHeap.contains("memory-mapped temporary files"), inHeap);
        for (String file :
                new String[] {"deep_decomposed.onnx", "decomposed_weights.safetensors"}) {
            assertEquals(
                    -1L,
                    Files.mismatch(small.resolve(file), large.resolve(file)),
                    file + " differs");
        }
        try (Stream<Path> left = Files.list(spill)) {
            assertEquals(List.of(), left.toList(), "nothing is left in the temporary folder");
        }
    }

    /**
     * Runs the launcher's {@code amct decompose} on EJML with one thread, the given heap and
     * temporary folder, and returns its output; fails unless it exits with 0.
     */
    private String decompose(Path model, Path out, long heapMib, Path tmp, boolean verbose)
            throws Exception {
        Files.createDirectories(tmp);
        Path log = temp.resolve("amct-" + out.getFileName() + ".log");
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                ROOT.resolve("amct").toString(),
                                "decompose",
                                model.toString(),
                                "-o",
                                out.toString(),
                                "--backend",
                                "ejml",
                                "--threads",
                                "1"));
        if (verbose) {
            command.add("--verbose");
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("AMCT_SKIP_BUILD", "1");
        builder.environment().put("AMCT_JAVA_OPTS", "-Xmx" + heapMib + "m -Djava.io.tmpdir=" + tmp);
        Process process =
                builder.directory(ROOT.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("no result after 120 s: " + Files.readString(log));
        }
        String output = Files.readString(log);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    /** SHA-256 of every file in a folder, read as a stream. */
    private static Map<String, String> digests(Path folder)
            throws IOException, NoSuchAlgorithmException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                out.put(file.getFileName().toString(), HexFormat.of().formatHex(digest.digest()));
            }
        }
        return out;
    }
}
