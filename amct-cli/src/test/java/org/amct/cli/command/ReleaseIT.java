package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release that {@code mvn package} builds ({@code target/amct-<version>.zip} and {@code
 * .tar.gz}), unpacked into a temporary folder away from the repository and run there with a Java
 * runtime alone: no Maven, no repository, no network settings, only {@code java} and the shell's
 * basic tools on the PATH. Failsafe runs it after {@code package}.
 */
class ReleaseIT {
    @TempDir Path temp;

    private static String version() {
        return AmctVersion.version();
    }

    private static Path archive(String extension) throws IOException {
        Path file = Path.of("target", "amct-" + version() + extension);
        assertTrue(Files.isRegularFile(file), "mvn package builds " + file);
        return file;
    }

    /** A process with a bare environment: java's folder and the system's basic tools only. */
    private ProcessBuilder bare(Path home, Path workDir, String... args) {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add("bash");
        builder.command().add(home.resolve("bin").resolve("amct").toString());
        builder.command().addAll(List.of(args));
        Map<String, String> env = builder.environment();
        env.clear();
        Path java = Path.of(System.getProperty("java.home"), "bin");
        env.put("PATH", java + ":/usr/bin:/bin");
        env.put("HOME", temp.toString());
        return builder.directory(workDir.toFile()).redirectErrorStream(true);
    }

    private static String run(ProcessBuilder builder, Path log, int expected)
            throws IOException, InterruptedException {
        Process process = builder.redirectOutput(log.toFile()).start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "bin/amct did not finish");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(expected, process.exitValue(), output);
        return output;
    }

    @Test
    void theTarballUnpackedAnywhereDecomposesTheExample() throws IOException, InterruptedException {
        Path into = Files.createDirectory(temp.resolve("tar"));
        Process tar =
                new ProcessBuilder("tar", "-xzf", archive(".tar.gz").toAbsolutePath().toString())
                        .directory(into.toFile())
                        .redirectErrorStream(true)
                        .start();
        assertTrue(tar.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes()));
        Path home = into.resolve("amct-" + version());
        assertTrue(Files.isExecutable(home.resolve("bin/amct")), "bin/amct keeps its mode");
        assertTrue(Files.isRegularFile(home.resolve("bin/amct.bat")));
        assertTrue(Files.isRegularFile(home.resolve("lib/amct-cli-" + version() + ".jar")));
        assertTrue(Files.isRegularFile(home.resolve("docs/getting-started.md")));
        assertTrue(Files.isRegularFile(home.resolve("README.md")));
        assertEquals(
                Files.exists(Path.of("..", "LICENSE")),
                Files.isRegularFile(home.resolve("LICENSE")),
                "LICENSE is in the release exactly when the repository has one");

        Path work = Files.createDirectory(temp.resolve("work"));
        String output =
                run(
                        bare(
                                home,
                                work,
                                "decompose",
                                home.resolve("examples/tiny_resnet.onnx").toString(),
                                "-o",
                                "out",
                                "--report-html"),
                        temp.resolve("decompose.log"),
                        0);
        assertTrue(output.contains("Decomposed 4 of 6 Conv2d layers"), output);
        for (String file :
                List.of(
                        "tiny_resnet_decomposed.onnx",
                        "decompose_info.json",
                        "decomposed_weights.safetensors",
                        "report.json",
                        "report.html")) {
            assertTrue(
                    Files.isRegularFile(work.resolve("out").resolve(file)), file + ": " + output);
        }
    }

    @Test
    void theZipHoldsTheSameLauncherAndRuns() throws IOException, InterruptedException {
        Path into = Files.createDirectory(temp.resolve("zip"));
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(archive(".zip"));
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                names.add(entry.getName());
                Path target = into.resolve(entry.getName()).normalize();
                assertTrue(target.startsWith(into), "no entry outside the folder: " + entry);
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
            }
        }
        String base = "amct-" + version() + "/";
        assertTrue(names.contains(base + "bin/amct"), names.toString());
        assertTrue(names.contains(base + "bin/amct.bat"), names.toString());
        assertTrue(names.contains(base + "lib/amct-api-" + version() + ".jar"), names.toString());
        String output =
                run(bare(into.resolve(base), temp, "backends"), temp.resolve("backends.log"), 0);
        assertTrue(output.contains("ejml: available"), output);
        String version = run(bare(into.resolve(base), temp, "--version"), temp.resolve("v.log"), 0);
        assertTrue(version.startsWith("amct " + version() + "\n"), version);
    }
}
