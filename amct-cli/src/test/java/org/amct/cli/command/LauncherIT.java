package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code ./amct} launcher out of process, after {@code package} (Failsafe), on the jar and
 * {@code target/lib} this build made ({@code AMCT_SKIP_BUILD=1}: a test never starts a nested Maven
 * build).
 */
class LauncherIT {
    @TempDir Path temp;

    private static ProcessBuilder launcher(Path root, String... args) {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(root.resolve("amct").toString());
        builder.command().addAll(java.util.List.of(args));
        builder.environment().put("AMCT_SKIP_BUILD", "1");
        return builder.directory(root.toFile()).redirectErrorStream(true);
    }

    /** Waits for the launcher, and never leaves it running: destroyed in {@code finally}. */
    private static int finish(Process process) throws InterruptedException {
        try {
            assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the launcher did not finish");
            return process.exitValue();
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void launcherDecomposesTheExample() throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path out = temp.resolve("out");
        Path log = temp.resolve("log.txt");
        Process process =
                launcher(
                                root,
                                "decompose",
                                "examples/tiny_resnet.onnx",
                                "-o",
                                out.toString(),
                                "--threads",
                                "1")
                        .redirectOutput(log.toFile())
                        .start();
        int exit = finish(process);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, exit, output);
        assertTrue(Files.isRegularFile(out.resolve("tiny_resnet_decomposed.onnx")), output);
        assertTrue(Files.isRegularFile(out.resolve("report.json")), output);
        assertTrue(output.contains("Decomposed 4 of 6"), output);
    }

    @Test
    void launcherPassesExitCodesThrough() throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Process process =
                launcher(root, "inspect", "missing.onnx")
                        .redirectOutput(temp.resolve("log.txt").toFile())
                        .start();
        int exit = finish(process);
        assertEquals(3, exit, Files.readString(temp.resolve("log.txt")));
    }

    @Test
    void forcingOpenClWithoutADeviceIsExitFourSayingWhatToInstall()
            throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path noDrivers = Files.createDirectory(temp.resolve("no-icd"));
        ProcessBuilder builder =
                launcher(
                        root,
                        "decompose",
                        "examples/tiny_resnet.onnx",
                        "-o",
                        temp.resolve("out").toString(),
                        "--backend",
                        "aparapi");
        // The OpenCL loader then finds no driver, as on a machine without OpenCL.
        builder.environment().put("OCL_ICD_VENDORS", noDrivers.toString());
        Process process = builder.redirectOutput(temp.resolve("log.txt").toFile()).start();
        int exit = finish(process);
        String output = Files.readString(temp.resolve("log.txt"));
        assertEquals(4, exit, output);
        assertTrue(output.contains("Backend 'aparapi' was requested but is unavailable"), output);
        assertTrue(output.contains("apt-get install pocl-opencl-icd"), output);
    }

    @Test
    void outOfMemoryIsExitThreeWithTheHeapToAskFor() throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path out = temp.resolve("out");
        ProcessBuilder builder =
                launcher(root, "decompose", "examples/tiny_resnet.onnx", "-o", out.toString());
        builder.environment().put("AMCT_JAVA_OPTS", "-Xmx8m");
        Process process = builder.redirectOutput(temp.resolve("log.txt").toFile()).start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the launcher did not finish");
        String output = Files.readString(temp.resolve("log.txt"));
        assertEquals(3, process.exitValue(), output);
        assertTrue(output.startsWith("amct: error: out of memory: the Java heap is "), output);
        assertTrue(output.contains("AMCT_JAVA_OPTS=-Xmx"), output);
        assertTrue(!output.contains("\tat ") && !output.contains("Exception in thread"), output);
        assertTrue(!Files.exists(out), "no output folder left behind");
    }
}
