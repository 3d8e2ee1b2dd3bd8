package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real signals sent to a forked {@code amct decompose} (the {@code ./amct} launcher, which execs
 * java, on the jars this build made): SIGINT and SIGTERM leave no staging folder and the output
 * folder as it was, with exit 130 and 143; after SIGKILL the next run into the folder removes the
 * dead run's staging folder, and a live run's folder is never touched by another run.
 */
class SignalsIT {
    /** A model that takes seconds to decompose on one thread, so a signal lands mid-run. */
    private static final Path SLOW_MODEL =
            Path.of("..", "..", "shared", "fixtures", "models", "face_resnet.onnx")
                    .toAbsolutePath()
                    .normalize();

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir Path temp;

    private Process start(Path out, Path log) throws IOException {
        assumeTrue(Files.isRegularFile(SLOW_MODEL), "needs the shared fixture " + SLOW_MODEL);
        ProcessBuilder builder =
                new ProcessBuilder(
                        ROOT.resolve("amct").toString(),
                        "decompose",
                        SLOW_MODEL.toString(),
                        "-o",
                        out.toString(),
                        "--overwrite",
                        "--backend",
                        "ejml",
                        "--threads",
                        "1");
        builder.environment().put("AMCT_SKIP_BUILD", "1");
        return builder.directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static List<Path> staging(Path out) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".amct-staging-"))
                    .toList();
        }
    }

    /** Waits until the run has made its staging folder (it is then reading or factorizing). */
    private static Path awaitStaging(Process process, Path out, Path log)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            List<Path> found =
                    staging(out).stream()
                            .filter(
                                    p ->
                                            p.getFileName()
                                                    .toString()
                                                    .startsWith(
                                                            ".amct-staging-" + process.pid() + "-"))
                            .toList();
            if (!found.isEmpty()) {
                Thread.sleep(300);
                return found.get(0);
            }
            assertTrue(process.isAlive(), "the run ended early: " + Files.readString(log));
            Thread.sleep(20);
        }
        throw new AssertionError("no staging folder after 120 s: " + Files.readString(log));
    }

    private static void kill(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).start();
        assertEquals(0, kill.waitFor(), "kill -s " + signal);
    }

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

    /** An output folder holding an earlier "run"'s report and a file of the user's. */
    private Path earlierOutputs() throws IOException {
        Path out = Files.createDirectories(temp.resolve("out"));
        Files.writeString(out.resolve("report.json"), "{\"earlier\": true}");
        Files.writeString(out.resolve("notes.txt"), "mine");
        return out;
    }

    /** Whether this JVM ignores SIGINT (a background job): its children would too. */
    private static boolean ignoresSigint() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring(7).strip(), 16) & 0x2) != 0;
            }
        }
        return false;
    }

    @ParameterizedTest(name = "SIG{0} gives {1}")
    @CsvSource({"TERM, 143", "INT, 130"})
    void aSignalMidRunRemovesTheStagingFolderAndLeavesTheOutputsAsTheyWere(
            String signal, int expectedExit) throws IOException, InterruptedException {
        assumeTrue(!signal.equals("INT") || !ignoresSigint(), "SIGINT is ignored in this JVM");
        Path out = earlierOutputs();
        Map<String, byte[]> before = snapshot(out);
        Path log = temp.resolve("log.txt");
        Process process = start(out, log);
        awaitStaging(process, out, log);
        kill(signal, process.pid());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the run did not stop");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(expectedExit, process.exitValue(), output);
        Map<String, byte[]> after = snapshot(out);
        assertEquals(before.keySet(), after.keySet(), output);
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));
    }

    @Test
    void afterSigkillTheNextRunRemovesTheDeadRunsStagingFolder()
            throws IOException, InterruptedException {
        Path out = earlierOutputs();
        Path log = temp.resolve("log.txt");
        Process process = start(out, log);
        Path dead = awaitStaging(process, out, log);
        kill("KILL", process.pid());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the run did not stop");
        assertEquals(137, process.exitValue());
        assertTrue(Files.isDirectory(dead), "SIGKILL leaves the staging folder (nothing can run)");
        CliRun next =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--overwrite",
                        "--threads",
                        "1");
        assertEquals(0, next.exitCode(), next.toString());
        assertEquals(List.of(), staging(out), "the dead run's staging folder is removed");
        assertTrue(Files.exists(out.resolve("notes.txt")));
        assertTrue(Files.exists(out.resolve("tiny_resnet_decomposed.onnx")));
    }

    @Test
    void aLiveRunsStagingFolderIsNotTouchedByAnotherRun() throws IOException, InterruptedException {
        Path out = earlierOutputs();
        Path log = temp.resolve("log.txt");
        Process process = start(out, log);
        Path live = awaitStaging(process, out, log);
        CliRun other =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--overwrite",
                        "--threads",
                        "1");
        assertEquals(0, other.exitCode(), other.toString());
        boolean stillRunning = process.isAlive();
        if (stillRunning) {
            assertTrue(Files.isDirectory(live), "the live run's staging folder is kept");
            kill("TERM", process.pid());
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the run did not stop");
        assertEquals(List.of(), staging(out), Files.readString(log));
        assertTrue(Files.exists(out.resolve("tiny_resnet_decomposed.onnx")));
    }
}
