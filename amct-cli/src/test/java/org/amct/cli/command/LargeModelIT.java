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
        Path log = temp.resolve("amct.log");
        ProcessBuilder builder =
                new ProcessBuilder(
                        ROOT.resolve("amct").toString(),
                        "decompose",
                        model.toString(),
                        "-o",
                        out.toString(),
                        "--backend",
                        "ejml",
                        "--threads",
                        "1");
        builder.environment().put("AMCT_SKIP_BUILD", "1");
        builder.environment().put("AMCT_JAVA_OPTS", "-Xmx" + HEAP_MIB + "m");
        Process process =
                builder.directory(ROOT.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("no result after 120 s: " + Files.readString(log));
        }
        assertEquals(0, process.exitValue(), Files.readString(log));

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
