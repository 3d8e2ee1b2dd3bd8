package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The round trip of a PyTorch user, with a real PyTorch (Debian's {@code python3-torch} and {@code
 * python3-torchvision} under {@code /usr/bin/python3}; {@code .ci/run} installs them): build a
 * torchvision model, export it with {@code torch.onnx.export}, decompose it with the CLI, rebuild
 * the model in PyTorch, fuse Conv+BatchNorm where the export folded them, restructure it per the
 * info file, {@code load_state_dict(strict=True)} the weights file, and compare its forward pass
 * with ONNX Runtime's on the decomposed ONNX model; then change every BatchNorm and Linear tensor
 * of that PyTorch model (as training would), {@code amct apply} its whole state dict to the
 * original ONNX model, and compare again. The scripts are in {@code src/test/resources/interop}.
 *
 * <p>Skipped, with the reason, when that Python has no torch; {@code -Damct.interop.required=true}
 * (the ci profile, which .ci/run turns on) makes that a failure. {@code -Damct.interop.big=true}
 * adds resnet50, googlenet, densenet121 and vgg11 (minutes, gigabytes); {@code
 * -Damct.interop.only=resnet50,...} keeps only the cases of those models.
 */
class PyTorchInteropIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final double TOLERANCE = 1e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path script;

    @TempDir Path temp;

    /**
     * One export.
     *
     * @param model a torchvision model name, or tiny_vgg / tiny_convbn; {@code _rb}: random biases
     *     and BatchNorm statistics
     * @param opset the ONNX opset
     * @param fold "fold" for an eval export (BatchNorm folded), "keep" to keep BatchNorm nodes
     */
    record Case(String model, int opset, String fold) {
        @Override
        public String toString() {
            return model + " opset " + opset + " " + fold;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("resnet18", 13, "fold"));
        cases.add(new Case("tiny_convbn_rb", 17, "keep"));
        cases.add(new Case("tiny_vgg", 13, "fold"));
        cases.add(new Case("tiny_vgg_rb", 17, "keep"));
        if (Boolean.getBoolean("amct.interop.big")) {
            cases.add(new Case("resnet50", 13, "fold"));
            cases.add(new Case("resnet50_rb", 17, "keep"));
            cases.add(new Case("googlenet_rb", 17, "fold"));
            cases.add(new Case("densenet121", 13, "fold"));
            cases.add(new Case("vgg11_rb", 17, "fold"));
        }
        String only = System.getProperty("amct.interop.only", "");
        if (!only.isEmpty()) {
            List<String> models = List.of(only.split(","));
            cases.removeIf(c -> !models.contains(c.model()));
        }
        return cases.stream();
    }

    @BeforeAll
    static void findTorch(@TempDir Path scripts) throws IOException, InterruptedException {
        String why = torchMissing();
        if (why != null && Boolean.getBoolean("amct.interop.required")) {
            throw new AssertionError("amct.interop.required is set, but " + why);
        }
        assumeTrue(why == null, why);
        script = scripts.resolve("torch_models.py");
        try (InputStream in =
                PyTorchInteropIT.class.getResourceAsStream("/interop/torch_models.py")) {
            Files.copy(in, script);
        }
    }

    /** Why the interop test cannot run here, or null. */
    private static String torchMissing() throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            return PYTHON + " is missing (install python3-torch and python3-torchvision)";
        }
        Process process =
                new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchvision")
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            return PYTHON
                    + " cannot import torch and torchvision (apt-get install python3-torch"
                    + " python3-torchvision): "
                    + output.strip();
        }
        return null;
    }

    private static void python(Path log, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        command.addAll(List.of(args));
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        boolean done = process.waitFor(20, TimeUnit.MINUTES);
        if (!done) {
            process.destroyForcibly();
        }
        assertTrue(
                done && process.exitValue() == 0, () -> command + " failed:\n" + readQuietly(log));
    }

    private static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pyTorchLoadsTheWeightsAndComputesWhatOnnxRuntimeDoes(Case c) throws Exception {
        Path dir = temp;
        Path log = dir.resolve("python.log");
        long start = System.nanoTime();
        python(log, "export", c.model(), String.valueOf(c.opset()), c.fold(), dir.toString());
        Path out = dir.resolve("out");
        CliRun decompose =
                CliRun.of("decompose", dir.resolve("model.onnx").toString(), "-o", out.toString());
        assertEquals(0, decompose.exitCode(), decompose::toString);
        python(log, "check", c.model(), dir.toString());

        JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        assertEquals(
                summary.get("reference_rule"),
                summary.get("decomposed"),
                "layers decomposed vs the reference rule, " + c);
        assertEquals(summary.get("folded"), summary.get("fused"), "folded vs fused, " + c);
        boolean folded = !summary.get("folded").isEmpty();
        assertEquals(
                folded,
                decompose.err().contains("folded a BatchNorm"),
                () -> "the BatchNorm-folding warning, " + c + "\n" + decompose);
        assertEquals(
                AmctVersion.version(),
                summary.get("metadata").get(DecomposeCommand.VERSION_KEY).asText());

        Npy input = Npy.read(dir.resolve("input.npy"));
        Npy torch = Npy.read(dir.resolve("torch_output.npy"));
        double decomposed = relativeL2(run(out.resolve("model_decomposed.onnx"), input), torch);

        Path applied = dir.resolve("applied");
        CliRun apply =
                CliRun.of(
                        "apply",
                        dir.resolve("model.onnx").toString(),
                        "--info",
                        out.resolve("decompose_info.json").toString(),
                        "--weights",
                        dir.resolve("state_dict.safetensors").toString(),
                        "-o",
                        applied.toString());
        assertEquals(0, apply.exitCode(), apply::toString);
        assertTrue(norm(torch.values()) > 1e-3, c + ": the output is not all but zero");
        Npy trained = Npy.read(dir.resolve("trained_output.npy"));
        double reloaded = relativeL2(run(applied.resolve("model_decomposed.onnx"), input), trained);
        assertTrue(
                relativeL2(torch.values(), trained) > 1e-3,
                "the trained state dict changes the output");
        System.out.printf(
                Locale.ROOT,
                "interop %s: %d convs, %d decomposed (reference rule %d), %d folded, %d"
                        + " state-dict keys; rel L2 torch vs ORT: decomposed %.2e, applied"
                        + " trained state dict %.2e;"
                        + " %.1f s%n",
                c,
                summary.get("convs").asInt(),
                summary.get("decomposed").size(),
                summary.get("reference_rule").size(),
                summary.get("folded").size(),
                summary.get("state_dict_keys").asInt(),
                decomposed,
                reloaded,
                (System.nanoTime() - start) / 1e9);
        assertTrue(
                decomposed < TOLERANCE, c + ": torch vs ORT on the decomposed model " + decomposed);
        assertTrue(reloaded < TOLERANCE, c + ": torch vs ORT on the applied model " + reloaded);
    }

    private static float[] run(Path model, Npy input) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(model.toString(), options);
                    OnnxTensor tensor =
                            OnnxTensor.createTensor(
                                    env, FloatBuffer.wrap(input.values()), input.shape());
                    OrtSession.Result result = session.run(Map.of("input", tensor))) {
                OnnxTensor output = (OnnxTensor) result.get(0);
                FloatBuffer buffer = output.getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                return values;
            }
        }
    }

    private static double norm(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    private static double relativeL2(float[] actual, Npy expected) {
        return relativeL2(actual, expected.values());
    }

    private static double relativeL2(float[] actual, float[] expected) {
        assertEquals(expected.length, actual.length, "output sizes");
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return Math.sqrt(diff / Math.max(norm, Double.MIN_NORMAL));
    }
}
