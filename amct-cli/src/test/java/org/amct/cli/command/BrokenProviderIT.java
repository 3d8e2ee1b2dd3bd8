package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliberately broken backend jars, built here at run time, on the module path and on the class
 * path of a forked {@code amct} (the packaged jar and {@code target/lib}, as the launcher runs it):
 * {@code amct backends} and {@code amct decompose} keep working and list each broken provider with
 * its class and reason; a backend forced by id probes nobody else.
 */
class BrokenProviderIT {
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path EXAMPLE =
            Path.of("..", "examples", "tiny_resnet.onnx").toAbsolutePath().normalize();

    @TempDir static Path temp;

    private static Path moduleJar;
    private static Path classPathJar;

    /** A provider whose constructor throws, as a vendor jar without its licence file might. */
    private static final String CTOR_THROWS =
            """
            package %s;
            public final class CtorThrows implements org.amct.spi.ComputeBackendProvider {
                public CtorThrows() { throw new IllegalStateException("vendor licence missing"); }
                public org.amct.spi.BackendDescriptor descriptor() { return null; }
                public org.amct.spi.Availability probe() { return null; }
                public org.amct.spi.ComputeBackend open(org.amct.spi.BackendOptions o) {
                    return null;
                }
            }
            """;

    /** A provider whose probe throws (and says on stderr that it was probed). */
    private static final String PROBE_THROWS =
            """
            package %s;
            public final class ProbeThrows implements org.amct.spi.ComputeBackendProvider {
                public org.amct.spi.BackendDescriptor descriptor() {
                    return new org.amct.spi.BackendDescriptor(
                            org.amct.spi.BackendId.of("%s"), "broken", org.amct.spi.DeviceKind.CPU);
                }
                public org.amct.spi.Availability probe() {
                    System.err.println("PROBED %s");
                    throw new UnsatisfiedLinkError("no libvendor.so in java.library.path");
                }
                public org.amct.spi.ComputeBackend open(org.amct.spi.BackendOptions o) {
                    throw new IllegalStateException("never opened");
                }
            }
            """;

    /** A provider whose descriptor throws. */
    private static final String DESCRIPTOR_THROWS =
            """
            package %s;
            public final class DescriptorThrows implements org.amct.spi.ComputeBackendProvider {
                public org.amct.spi.BackendDescriptor descriptor() {
                    throw new NoClassDefFoundError("com/vendor/Runtime");
                }
                public org.amct.spi.Availability probe() { return null; }
                public org.amct.spi.ComputeBackend open(org.amct.spi.BackendOptions o) {
                    return null;
                }
            }
            """;

    @BeforeAll
    static void buildTheBrokenJars() throws IOException, InterruptedException {
        moduleJar =
                buildJar(
                        "brokenmod",
                        "broken-module",
                        Map.of(
                                "module-info.java",
                                "module broken.mod { requires org.amct.spi; provides"
                                        + " org.amct.spi.ComputeBackendProvider with"
                                        + " brokenmod.CtorThrows, brokenmod.ProbeThrows,"
                                        + " brokenmod.DescriptorThrows; }"),
                        null);
        // On the class path a declaration may also name a class that is not there at all.
        classPathJar =
                buildJar(
                        "brokencp",
                        "broken-classpath",
                        Map.of(),
                        "brokencp.CtorThrows\nbrokencp.Missing\nbrokencp.ProbeThrows\n"
                                + "brokencp.DescriptorThrows\n");
    }

    private static Path buildJar(
            String pkg, String probeId, Map<String, String> extra, String servicesFile)
            throws IOException, InterruptedException {
        Path src = Files.createDirectories(temp.resolve(pkg + "-src"));
        Path classes = Files.createDirectories(temp.resolve(pkg + "-classes"));
        Path pkgDir = Files.createDirectories(src.resolve(pkg));
        Files.writeString(pkgDir.resolve("CtorThrows.java"), CTOR_THROWS.formatted(pkg));
        Files.writeString(
                pkgDir.resolve("ProbeThrows.java"), PROBE_THROWS.formatted(pkg, probeId, probeId));
        Files.writeString(
                pkgDir.resolve("DescriptorThrows.java"), DESCRIPTOR_THROWS.formatted(pkg));
        for (Map.Entry<String, String> file : extra.entrySet()) {
            Files.writeString(src.resolve(file.getKey()), file.getValue());
        }
        List<String> args = new ArrayList<>();
        args.addAll(
                List.of(
                        "-d",
                        classes.toString(),
                        extra.containsKey("module-info.java") ? "-p" : "-cp",
                        spiJar().toString()));
        try (Stream<Path> files = Files.walk(src)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
        }
        // javac in its own process: this test module does not read java.compiler.
        args.add(0, Path.of(System.getProperty("java.home"), "bin", "javac").toString());
        Path log = temp.resolve(pkg + "-javac.log");
        Process javac =
                new ProcessBuilder(args)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        try {
            assertTrue(javac.waitFor(2, TimeUnit.MINUTES), "javac did not finish: " + args);
            assertEquals(0, javac.exitValue(), Files.readString(log));
        } finally {
            javac.destroyForcibly();
        }
        Path jar = temp.resolve(pkg + ".jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file)) {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                    out.write(Files.readAllBytes(f));
                    out.closeEntry();
                }
            }
            if (servicesFile != null) {
                out.putNextEntry(
                        new JarEntry("META-INF/services/org.amct.spi.ComputeBackendProvider"));
                out.write(servicesFile.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static Path spiJar() throws IOException {
        try (Stream<Path> libs = Files.list(TARGET.resolve("lib"))) {
            return libs.filter(p -> p.getFileName().toString().startsWith("amct-spi-"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no amct-spi jar in target/lib"));
        }
    }

    private static Path cliJar() throws IOException {
        try (Stream<Path> jars = Files.list(TARGET)) {
            return jars.filter(
                            p -> {
                                String name = p.getFileName().toString();
                                return name.startsWith("amct-cli-")
                                        && name.endsWith(".jar")
                                        && !name.contains("-sources")
                                        && !name.contains("-javadoc")
                                        && !name.contains("-tests");
                            })
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no packaged amct-cli jar in target"));
        }
    }

    /** The command's exit code and its stdout and stderr together. */
    private record Run(int exitCode, String output) {}

    private static Run amct(Path modulePathExtra, Path classPath, String... args)
            throws IOException, InterruptedException {
        return amct(Map.of(), modulePathExtra, classPath, args);
    }

    private static Run amct(
            Map<String, String> environment, Path modulePathExtra, Path classPath, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String modulePath = TARGET.resolve("lib") + java.io.File.pathSeparator + cliJar();
        if (modulePathExtra != null) {
            modulePath += java.io.File.pathSeparator + modulePathExtra;
        }
        command.addAll(List.of("-p", modulePath, "--add-modules", "ALL-MODULE-PATH"));
        if (classPath != null) {
            command.addAll(List.of("--class-path", classPath.toString()));
        }
        command.addAll(List.of("-m", "org.amct.cli/org.amct.cli.Main"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(temp, "amct", ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("AMCT_BACKEND");
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(3, TimeUnit.MINUTES), "amct did not finish: " + command);
            return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static void assertListsTheBrokenProviders(String pkg, String probeId, String output) {
        assertTrue(
                output.contains(
                        "unavailable: "
                                + pkg
                                + ".CtorThrows: constructor threw IllegalStateException: vendor"
                                + " licence missing"),
                output);
        assertTrue(
                output.contains(
                        probeId
                                + ": unavailable: "
                                + pkg
                                + ".ProbeThrows: probe() threw UnsatisfiedLinkError: no"
                                + " libvendor.so"),
                output);
        assertTrue(
                output.contains(
                        "unavailable: "
                                + pkg
                                + ".DescriptorThrows: descriptor() threw NoClassDefFoundError:"
                                + " com/vendor/Runtime"),
                output);
    }

    @Test
    void onTheModulePathBackendsListsEachBrokenProviderWithItsReason() throws Exception {
        Run run = amct(moduleJar, null, "backends");
        assertEquals(0, run.exitCode(), run.output());
        assertListsTheBrokenProviders("brokenmod", "broken-module", run.output());
        assertTrue(run.output().contains("ejml: available"), run.output());
        assertTrue(run.output().contains("Would use: "), run.output());
    }

    @Test
    void onTheClassPathBackendsListsEachBrokenProviderWithItsReason() throws Exception {
        Run run = amct(null, classPathJar, "backends");
        assertEquals(0, run.exitCode(), run.output());
        assertListsTheBrokenProviders("brokencp", "broken-classpath", run.output());
        assertTrue(
                run.output()
                        .contains(
                                "unavailable: brokencp.Missing: Provider brokencp.Missing"
                                        + " not found"),
                run.output());
        assertTrue(run.output().contains("ejml: available"), run.output());
    }

    @Test
    void decomposeRunsWithBrokenProvidersOnBothPaths() throws Exception {
        Path out = temp.resolve("out-auto");
        Run run =
                amct(
                        moduleJar,
                        classPathJar,
                        "decompose",
                        EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--threads",
                        "1");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("Decomposed 4 of 6"), run.output());
        assertTrue(Files.isRegularFile(out.resolve("tiny_resnet_decomposed.onnx")), run.output());
    }

    @Test
    void aForcedBackendProbesOnlyItself() throws Exception {
        Path out = temp.resolve("out-forced");
        Run run =
                amct(
                        moduleJar,
                        classPathJar,
                        "decompose",
                        EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--threads",
                        "1",
                        "--backend",
                        "ejml");
        assertEquals(0, run.exitCode(), run.output());
        assertFalse(run.output().contains("PROBED"), run.output());
        assertFalse(run.output().contains("untested OpenCL platform"), run.output());
    }

    @Test
    void forcingABrokenBackendExitsFourWithItsReason() throws Exception {
        Run run =
                amct(
                        moduleJar,
                        null,
                        "decompose",
                        EXAMPLE.toString(),
                        "-o",
                        temp.resolve("out-broken").toString(),
                        "--backend",
                        "broken-module");
        assertEquals(4, run.exitCode(), run.output());
        assertTrue(
                run.output().contains("Backend 'broken-module' was requested but is unavailable"),
                run.output());
        assertTrue(run.output().contains("PROBED broken-module"), run.output());
    }

    @Test
    void withoutAnOpenClDriverAparapiIsUnavailableWithoutLoadingItsNativeLibrary()
            throws Exception {
        Path noDrivers = Files.createDirectories(temp.resolve("no-icd"));
        Run run = amct(Map.of("OCL_ICD_VENDORS", noDrivers.toString()), null, null, "backends");
        assertEquals(0, run.exitCode(), run.output());
        // The registry is read in plain Java before anything native is loaded.
        assertTrue(
                run.output()
                        .contains(
                                "aparapi: unavailable: No OpenCL driver is registered: no .icd file"
                                        + " in "
                                        + noDrivers
                                        + " (named by OCL_ICD_VENDORS)"),
                run.output());
        assertFalse(run.output().contains("untested OpenCL platform"), run.output());
    }
}
