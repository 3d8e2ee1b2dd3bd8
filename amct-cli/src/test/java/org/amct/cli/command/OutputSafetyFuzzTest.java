package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Structure-aware fuzzing of the CLI's file handling (issue 16, inputs and debris): each seed lays
 * out inputs named after outputs or not, an output folder that is the inputs' folder, a link to it,
 * a fresh or an earlier run's folder, stale staging folders of dead runs, with or without {@code
 * --overwrite}, and runs {@code apply} (or, for one case in eight, {@code decompose}). Every case
 * must end with exit 0 or 3 and one line on stderr, inputs byte for byte as they were, no staging
 * folder left, and on exit 3 the output folder as it was. Cases: {@code -Dfuzz.cli.cases=N}
 * (default {@value #DEFAULT_CASES}).
 */
class OutputSafetyFuzzTest {
    static final int DEFAULT_CASES = 60;

    private static final String[] OUTPUT_NAMES = {
        "tiny_resnet_decomposed.onnx",
        "tiny_resnet_decomposed.onnx.data",
        "report.json",
        "decompose_info.json",
        "decomposed_weights.safetensors",
        "report.html"
    };

    @TempDir static Path shared;
    @TempDir Path temp;

    private static byte[] info;
    private static byte[] weights;

    /** The last case's run, for the counts and the replays. */
    private CliRun last;

    @BeforeAll
    static void referenceRun() throws IOException {
        Path out = shared.resolve("reference");
        CliRun run =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--threads",
                        "1");
        assertEquals(0, run.exitCode(), run.toString());
        info = Files.readAllBytes(out.resolve("decompose_info.json"));
        weights = Files.readAllBytes(out.resolve("decomposed_weights.safetensors"));
    }

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

    private static String pick(SplittableRandom random, String... names) {
        return names[random.nextInt(names.length)];
    }

    /** Runs one case; returns a description of what broke, or null. */
    String runCase(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        Path root = Files.createDirectories(temp.resolve("case" + seed));
        Path in = Files.createDirectories(root.resolve("in"));
        // The model keeps its name (outputs are named after it); the others may take an output's.
        Path model = Files.copy(CliRun.EXAMPLE, in.resolve("tiny_resnet.onnx"));
        String infoName = random.nextBoolean() ? pick(random, OUTPUT_NAMES) : "info.json";
        Path infoFile = Files.write(in.resolve(infoName), info);
        String weightsName =
                random.nextBoolean() ? pick(random, OUTPUT_NAMES) : "weights.safetensors";
        Path weightsFile =
                weightsName.equals(infoName) ? null : Files.write(in.resolve(weightsName), weights);
        Path out =
                switch (random.nextInt(4)) {
                    case 0 -> in;
                    case 1 -> Files.createSymbolicLink(root.resolve("link"), in);
                    case 2 -> root.resolve("fresh");
                    default -> {
                        Path earlier = Files.createDirectories(root.resolve("earlier"));
                        for (String name : OUTPUT_NAMES) {
                            if (random.nextBoolean()) {
                                Files.writeString(earlier.resolve(name), "earlier " + name);
                            }
                        }
                        yield earlier;
                    }
                };
        if (Files.isDirectory(out) && random.nextInt(3) == 0) {
            // A dead run's staging folder (pid 2^22 + 1 is above Linux's pid_max default).
            Files.createDirectories(out.resolve(".amct-staging-4194305-1-1")).resolve("x");
        }
        boolean overwrite = random.nextBoolean();
        boolean decompose = random.nextInt(8) == 0;
        List<String> args = new ArrayList<>();
        // The files this command reads; the others in the folder are fair game for --overwrite.
        List<Path> inputs = new ArrayList<>(List.of(model));
        if (decompose) {
            args.addAll(List.of("decompose", model.toString(), "--threads", "1"));
        } else {
            args.addAll(List.of("apply", model.toString(), "--info", infoFile.toString()));
            inputs.add(infoFile);
            if (weightsFile != null && random.nextBoolean()) {
                args.addAll(List.of("--weights", weightsFile.toString()));
                inputs.add(weightsFile);
            }
        }
        args.addAll(List.of("-o", out.toString()));
        if (overwrite) {
            args.add("--overwrite");
        }
        Map<String, byte[]> inputsBefore = snapshot(in);
        Map<String, byte[]> outBefore = snapshot(out);
        CliRun run = CliRun.of(args.toArray(String[]::new));
        last = run;
        String where = "seed " + seed + " " + args + ": ";
        if (run.exitCode() != 0 && run.exitCode() != 3) {
            return where + run;
        }
        String err = run.err().strip();
        if (run.exitCode() == 3 && (!err.startsWith("amct: error: ") || err.contains("\n"))) {
            return where + "not one error line: " + run;
        }
        // Inputs: byte for byte as they were (the run may add its outputs to that folder).
        Map<String, byte[]> inputsAfter = snapshot(in);
        for (Path input : inputs) {
            String name = input.getFileName().toString();
            if (!Arrays.equals(inputsBefore.get(name), inputsAfter.get(name))) {
                return where + "input " + name + " changed: " + run;
            }
        }
        Map<String, byte[]> outAfter = snapshot(out);
        // A run that succeeds removes the dead run's staging folder; one refused touches nothing.
        if (run.exitCode() == 0
                && outAfter.keySet().stream().anyMatch(n -> n.startsWith(".amct-staging-"))) {
            return where + "staging folder left: " + outAfter.keySet() + " " + run;
        }
        if (run.exitCode() == 3) {
            if (!outBefore.keySet().equals(outAfter.keySet())) {
                return where + "output folder changed on failure: " + outAfter.keySet() + run;
            }
            for (Map.Entry<String, byte[]> entry : outBefore.entrySet()) {
                if (!Arrays.equals(entry.getValue(), outAfter.get(entry.getKey()))) {
                    return where + entry.getKey() + " changed on failure: " + run;
                }
            }
        }
        return null;
    }

    @Test
    void inputsAndOutputFoldersStaySafe() throws IOException {
        int cases = Integer.getInteger("fuzz.cli.cases", DEFAULT_CASES);
        List<String> failures = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        int protectedInputs = 0;
        for (int i = 0; i < cases && failures.size() < 5; i++) {
            String failure = runCase(6_000_000L + i);
            System.out.println(
                    "SCAN "
                            + (6_000_000L + i)
                            + " "
                            + last.exitCode()
                            + " "
                            + last.err()
                                    .strip()
                                    .lines()
                                    .findFirst()
                                    .orElse("")
                                    .replaceAll("^(.{0,140}).*", "$1"));
            if (failure != null) {
                failures.add(failure);
            } else if (last.exitCode() == 0) {
                accepted++;
            } else {
                refused++;
                if (last.err().contains("would replace the")) {
                    protectedInputs++;
                }
            }
        }
        System.out.printf(
                "fuzz cli output safety: %d cases, %d accepted, %d refused (%d to protect an"
                        + " input), %d failed%n",
                cases, accepted, refused, protectedInputs, failures.size());
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * Seeds replayed: layouts that put the info or weights file under the name of an output in the
     * output folder. Before inputs were resolved against outputs, {@code --overwrite} replaced or
     * deleted them.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {SEED_A, SEED_B})
    void inputsUnderOutputNamesStayRefused(long seed) throws IOException {
        assertEquals(null, runCase(seed));
        assertEquals(3, last.exitCode(), last.toString());
        assertTrue(last.err().contains("would replace the"), last.toString());
    }

    private static final long SEED_A = 6_000_009L;
    private static final long SEED_B = 6_000_024L;
}
