package org.amct.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.amct.spi.DeviceKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery in the layouts an application uses, each in a fresh JVM: the application's own modules
 * on the module path with ND4J and this backend's packaged jar on the class path (the supported
 * layout), everything on the class path, the same with ND4J missing, and with the newer JavaCPP and
 * OpenBLAS of the OpenBLAS backend also on the module path.
 *
 * <p>An application launched as a named module ({@code java -m}) must add {@code --add-modules
 * ALL-DEFAULT}, so that the JDK modules class-path code expects (ND4J's JavaCPP needs {@code
 * jdk.unsupported}) are resolved; without it the probe says so.
 *
 * <p>The "application" is a tiny named module compiled here ({@code uses
 * org.amct.spi.ComputeBackendProvider}, as {@code org.amct.api} does) whose main class lists the
 * providers ServiceLoader finds, probes this one and factorizes a 2 x 3 matrix with it. The class
 * path of ND4J comes from {@code target/nd4j-class-path.txt}, the file the build writes for
 * launchers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Nd4jClassPathLayoutIT {
    private static final String MODULE = "org.amct.nd4jtest.app";
    private static final String MAIN = MODULE + "/org.amct.nd4jtest.app.Discover";
    private static final long TIMEOUT_SECONDS = 180;

    private static final String MODULE_INFO =
            "module org.amct.nd4jtest.app {\n"
                    + "    requires org.amct.spi;\n"
                    + "    uses org.amct.spi.ComputeBackendProvider;\n"
                    + "}\n";

    private static final String DISCOVER =
            String.join(
                    "\n",
                    "package org.amct.nd4jtest.app;",
                    "import java.util.ServiceLoader;",
                    "import org.amct.spi.*;",
                    "public final class Discover {",
                    "  public static void main(String[] args) {",
                    "    System.out.println(\"caller \" + Discover.class.getModule());",
                    "    for (ComputeBackendProvider p :"
                            + " ServiceLoader.load(ComputeBackendProvider.class)) {",
                    "      String id = p.descriptor().id().value();",
                    "      System.out.println(\"provider \" + id + \" \" + p.getClass().getModule());",
                    "      if (!id.equals(\"nd4j\")) continue;",
                    "      Availability a = p.probe();",
                    "      if (a instanceof Availability.Unavailable u) {",
                    "        System.out.println(\"probe unavailable \" + u.reason());",
                    "        continue;",
                    "      }",
                    "      System.out.println(\"probe available \" + ((Availability.Available)"
                            + " a).device());",
                    "      try (ComputeBackend b = p.open(new BackendOptions(1));",
                    "          Factorization f = b.factorize(DenseMatrix.wrap(2, 3,",
                    "              new double[] {0, 3, 0, 4, 0, 0}))) {",
                    "        double[] s = f.singularValues();",
                    "        System.out.println(\"singular \" + s[0] + \" \" + s[1]);",
                    "      }",
                    "    }",
                    "  }",
                    "}",
                    "");

    @TempDir static Path work;

    private Path app;
    private String spiJar;
    private String slf4jJar;
    private List<String> nd4jClassPath;
    private String backendJar;

    @BeforeAll
    void compileTheApplicationModule() throws IOException {
        backendJar = requiredFile("amct.nd4j.jar");
        String classPath =
                Files.readString(Path.of(requiredFile("amct.nd4j.class-path-file"))).trim();
        nd4jClassPath =
                Arrays.stream(classPath.split(File.pathSeparator))
                        .filter(entry -> !entry.isEmpty())
                        .collect(Collectors.toList());
        spiJar = testClassPathEntry("amct-spi");
        slf4jJar = testClassPathEntry("slf4j-api");
        Path sources = work.resolve("src");
        Files.createDirectories(sources.resolve("org/amct/nd4jtest/app"));
        Files.writeString(sources.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(sources.resolve("org/amct/nd4jtest/app/Discover.java"), DISCOVER);
        app = work.resolve("app");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status =
                javac.run(
                        null,
                        null,
                        null,
                        "--module-path",
                        spiJar,
                        "-d",
                        app.toString(),
                        sources.resolve("module-info.java").toString(),
                        sources.resolve("org/amct/nd4jtest/app/Discover.java").toString());
        assertEquals(0, status, "javac of the test application module");
    }

    @Test
    void namedModuleFindsTheBackendOnTheClassPathAndComputes() throws IOException {
        List<String> lines =
                run(
                        List.of("--module-path", paths(spiJar, slf4jJar, app.toString())),
                        // org.amct.api requires org.slf4j; this stand-in does not, so add it.
                        // ALL-DEFAULT gives the class path the JDK modules it expects.
                        List.of("--add-modules", "org.slf4j,ALL-DEFAULT"),
                        List.of("--class-path", paths(withBackend(nd4jClassPath))),
                        List.of("-m", MAIN));
        assertLine(lines, "caller module " + MODULE);
        assertLine(lines, "provider nd4j unnamed module");
        assertAvailableAndComputes(lines);
    }

    @Test
    void plainClassPathFindsTheBackendAndComputes() throws IOException {
        List<String> classPath = new ArrayList<>(List.of(spiJar, slf4jJar, app.toString()));
        classPath.addAll(withBackend(nd4jClassPath));
        List<String> lines =
                run(
                        List.of("--class-path", paths(classPath)),
                        List.of("org.amct.nd4jtest.app.Discover"));
        assertLine(lines, "caller unnamed module");
        assertLine(lines, "provider nd4j unnamed module");
        assertAvailableAndComputes(lines);
    }

    @Test
    void namedModuleWithoutAllDefaultIsToldToAddIt() throws IOException {
        List<String> lines =
                run(
                        List.of("--module-path", paths(spiJar, slf4jJar, app.toString())),
                        List.of("--add-modules", "org.slf4j"),
                        List.of("--class-path", paths(withBackend(nd4jClassPath))),
                        List.of("-m", MAIN));
        assertLine(lines, "probe unavailable ND4J needs the JDK module(s) jdk.unsupported");
        assertTrue(
                lines.stream().anyMatch(line -> line.contains("--add-modules ALL-DEFAULT")),
                String.join("\n", lines));
    }

    @Test
    void withoutNd4jTheProviderIsFoundAndSaysWhyItIsUnavailable() throws IOException {
        List<String> lines =
                run(
                        List.of("--module-path", paths(spiJar, slf4jJar, app.toString())),
                        List.of("--add-modules", "org.slf4j"),
                        List.of("--class-path", backendJar),
                        List.of("-m", MAIN));
        assertLine(lines, "provider nd4j unnamed module");
        assertLine(lines, "probe unavailable ND4J is not on the class path");
    }

    @Test
    void nd4jRunsWhenTheOpenBlasBackendsJavaCppIsOnTheModulePath() throws IOException {
        List<String> newer =
                Arrays.asList(
                        System.getProperty("amct.nd4j.newer-javacpp-jars", "")
                                .split(File.pathSeparator));
        assumeTrue(
                newer.size() == 4
                        && newer.stream().allMatch(jar -> Files.isRegularFile(Path.of(jar))),
                "JavaCPP and OpenBLAS of the OpenBLAS backend are not in the local repository: "
                        + newer);
        List<String> modulePath = new ArrayList<>(List.of(spiJar, slf4jJar, app.toString()));
        modulePath.addAll(newer);
        List<String> lines =
                run(
                        List.of("--module-path", paths(modulePath)),
                        List.of(
                                "--add-modules",
                                "org.slf4j,ALL-DEFAULT,org.bytedeco.openblas,"
                                        + "org.bytedeco.openblas.linux.x86_64,"
                                        + "org.bytedeco.javacpp.linux.x86_64"),
                        List.of("--class-path", paths(withBackend(nd4jClassPath))),
                        List.of("-m", MAIN));
        assertAvailableAndComputes(lines);
    }

    private List<String> withBackend(List<String> classPath) {
        List<String> entries = new ArrayList<>(classPath);
        entries.add(0, backendJar);
        return entries;
    }

    private static void assertAvailableAndComputes(List<String> lines) {
        String prefix =
                Nd4jTestBackends.expectedDevice() == DeviceKind.CUDA ? "CUDA device " : "CPU, ";
        String unavailable = "probe unavailable ";
        if (Nd4jTestBackends.expectedDevice() == DeviceKind.CUDA) {
            lines.stream()
                    .filter(line -> line.startsWith(unavailable))
                    .findFirst()
                    .ifPresent(line -> assumeTrue(false, line));
        }
        assertLine(lines, "probe available " + prefix);
        assertLine(lines, "singular 4.0 3.0");
    }

    private static void assertLine(List<String> lines, String prefix) {
        assertTrue(
                lines.stream().anyMatch(line -> line.startsWith(prefix)),
                "no line starting with '" + prefix + "' in:\n" + String.join("\n", lines));
    }

    @SafeVarargs
    private List<String> run(List<String>... argumentGroups) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (List<String> group : argumentGroups) {
            command.addAll(group);
        }
        Path output = Files.createTempFile(work, "run", ".txt");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out after " + TIMEOUT_SECONDS + " s: " + command);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertEquals(
                0,
                process.exitValue(),
                "exit status of " + command + "\n" + String.join("\n", lines));
        return lines;
    }

    private static String paths(String... entries) {
        return String.join(File.pathSeparator, entries);
    }

    private static String paths(List<String> entries) {
        return String.join(File.pathSeparator, entries);
    }

    private static String requiredFile(String property) {
        String value = System.getProperty(property);
        assertTrue(
                value != null && Files.isRegularFile(Path.of(value)),
                "system property " + property + " should name a file, got " + value);
        return value;
    }

    /** The entry of this JVM's class path whose file name starts with {@code name}. */
    private static String testClassPathEntry(String name) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(
                        entry -> {
                            Path path = Path.of(entry);
                            return path.getFileName().toString().startsWith(name)
                                    || path.toString().contains(name + File.separator);
                        })
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not on the test class path"));
    }
}
