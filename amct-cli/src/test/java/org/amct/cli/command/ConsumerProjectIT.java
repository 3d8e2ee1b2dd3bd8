package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java guide's consumer project ({@code docs/consumer}) works as written: the guide shows its
 * files as they are; its POM names modules of this build at this build's version; it compiles with
 * {@code javac} against the jars the build just made (offline, no Maven: a nested Maven build would
 * need them installed in a repository) and runs on the module path and on the class path, with the
 * logging binding the POM names (no "No SLF4J providers" warning). Failsafe runs it after {@code
 * package}, when {@code target/lib} holds the runtime jars.
 */
class ConsumerProjectIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path PROJECT = ROOT.resolve("docs").resolve("consumer");

    /** The POM's block, and the Java files' blocks (also checked as snippets by amct-api). */
    private static final Pattern BLOCK =
            Pattern.compile(
                    "<!-- (?:consumer: |snippet: docs/consumer/)([^#\\s]+)(?:#consumer)? -->\\n"
                            + "```\\w+\\n(.*?)```",
                    Pattern.DOTALL);

    @TempDir Path temp;

    @Test
    void theGuideShowsTheProjectFilesAsTheyAre() throws IOException {
        String guide = Files.readString(ROOT.resolve("docs/java-guide.md"), StandardCharsets.UTF_8);
        Matcher m = BLOCK.matcher(guide);
        List<String> shown = new ArrayList<>();
        while (m.find()) {
            shown.add(m.group(1));
            assertEquals(
                    shownPart(
                            Files.readString(PROJECT.resolve(m.group(1)), StandardCharsets.UTF_8)),
                    m.group(2),
                    "docs/java-guide.md shows docs/consumer/" + m.group(1) + " differently");
        }
        assertEquals(
                List.of(
                        "pom.xml",
                        "src/main/java/module-info.java",
                        "src/main/java/com/example/compress/Compress.java"),
                shown);
    }

    @Test
    void thePomNamesThisBuildsModulesAtItsVersion() throws IOException {
        String pom = Files.readString(PROJECT.resolve("pom.xml"));
        Matcher version = Pattern.compile("<amct.version>([^<]+)</amct.version>").matcher(pom);
        assertTrue(version.find());
        assertEquals(AmctVersion.version(), version.group(1), "the guide's POM is up to date");
        Matcher artifacts =
                Pattern.compile("<groupId>org.amct</groupId>\\s*<artifactId>([^<]+)</artifactId>")
                        .matcher(pom);
        int count = 0;
        while (artifacts.find()) {
            count++;
            assertTrue(
                    Files.isRegularFile(ROOT.resolve(artifacts.group(1)).resolve("pom.xml")),
                    "no module " + artifacts.group(1));
        }
        assertEquals(4, count);
        assertTrue(pom.contains("<artifactId>maven-compiler-plugin</artifactId>"), "pinned");
        assertTrue(pom.contains("<artifactId>slf4j-simple</artifactId>"), "a logging binding");
    }

    @Test
    void theProjectCompilesAndRunsOnBothPaths() throws IOException, InterruptedException {
        Path lib = Path.of("target", "lib").toAbsolutePath();
        assertTrue(Files.isDirectory(lib), "mvn package fills " + lib);
        Path classes = Files.createDirectory(temp.resolve("classes"));
        List<String> javac =
                new ArrayList<>(
                        List.of(tool("javac"), "-p", lib.toString(), "-d", classes.toString()));
        try (Stream<Path> files = Files.walk(PROJECT.resolve("src"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> javac.add(f.toString()));
        }
        assertEquals("", run(javac, 0), "javac warns or fails");

        String model = ROOT.resolve("examples/tiny_resnet.onnx").toString();
        String onModules =
                run(
                        List.of(
                                tool("java"),
                                "-p",
                                classes + ":" + lib,
                                "--add-modules",
                                "ALL-MODULE-PATH",
                                "-m",
                                "com.example.compress/com.example.compress.Compress",
                                model,
                                temp.resolve("out-modules").toString()),
                        0);
        assertTrue(onModules.contains("Decomposed 4 layers on openblas"), onModules);
        String onClassPath =
                run(
                        List.of(
                                tool("java"),
                                "-cp",
                                classes + ":" + lib + "/*",
                                "com.example.compress.Compress",
                                model,
                                temp.resolve("out-classpath").toString()),
                        0);
        assertTrue(onClassPath.contains("Decomposed 4 layers on"), onClassPath);
        // What the guide says about --add-modules: without it, only the pure-Java backend resolves.
        String withoutFlag =
                run(
                        List.of(
                                tool("java"),
                                "-p",
                                classes + ":" + lib,
                                "-m",
                                "com.example.compress/com.example.compress.Compress",
                                model,
                                temp.resolve("out-plain").toString()),
                        0);
        assertTrue(withoutFlag.contains("Decomposed 4 layers on ejml"), withoutFlag);
        for (String output : List.of(onModules, onClassPath, withoutFlag)) {
            assertFalse(output.contains("No SLF4J providers"), output);
        }
        for (String out : List.of("out-modules", "out-classpath")) {
            for (String file : List.of("decomposed.onnx", "decompose_info.json", "report.html")) {
                assertTrue(Files.isRegularFile(temp.resolve(out).resolve(file)), out + "/" + file);
            }
        }
    }

    /** A Java file's part between its consumer tags; a POM whole. */
    private static String shownPart(String text) {
        int start = text.indexOf("// tag::consumer[]\n");
        if (start < 0) {
            return text;
        }
        int from = start + "// tag::consumer[]\n".length();
        return text.substring(from, text.indexOf("// end::consumer[]", from));
    }

    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private String run(List<String> command, int expected)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(temp, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        builder.environment().remove("AMCT_BACKEND");
        Process process = builder.start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), String.join(" ", command));
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(expected, process.exitValue(), String.join(" ", command) + "\n" + output);
        return output;
    }
}
