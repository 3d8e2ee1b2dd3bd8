package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amct.api.exception.DecompositionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The conventions every command follows: version, help, usage errors, JSON, progress, OOM. */
class ConventionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COMMANDS =
            List.of("decompose", "apply", "inspect", "backends", "bench");

    @TempDir Path temp;

    /** The project's version, from the module's POM (its parent's version). */
    private static String pomVersion() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m =
                Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
                        .matcher(pom);
        assertTrue(m.find(), "no parent version in pom.xml");
        return m.group(1);
    }

    @Test
    void everyCommandPrintsTheBuildsVersion() throws IOException {
        String expected = "amct " + pomVersion();
        List<String> lines = new ArrayList<>();
        lines.add(CliRun.of("--version").out());
        for (String command : COMMANDS) {
            for (String flag : List.of("--version", "-V")) {
                CliRun run = CliRun.of(command, flag);
                assertEquals(0, run.exitCode(), run.toString());
                lines.add(run.out());
            }
        }
        for (String out : lines) {
            assertTrue(out.startsWith(expected + System.lineSeparator()), out);
        }
    }

    @Test
    void usageErrorsAreOneLineAndAHint() {
        List<List<String>> cases =
                List.of(
                        List.of("decompose", CliRun.EXAMPLE.toString()),
                        List.of("decompose", CliRun.EXAMPLE.toString(), "-o"),
                        List.of(
                                "decompose",
                                CliRun.EXAMPLE.toString(),
                                "-o",
                                "x",
                                "--threads",
                                "-1"),
                        List.of("inspect", CliRun.EXAMPLE.toString(), "--bogus"),
                        List.of("bogus"),
                        List.of());
        for (List<String> args : cases) {
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, run.exitCode(), run.toString());
            List<String> lines = run.err().lines().toList();
            assertEquals(2, lines.size(), "two lines: " + run);
            assertTrue(lines.get(0).startsWith("amct: error: "), run.toString());
            String command =
                    args.isEmpty() || args.get(0).equals("bogus") ? "amct" : "amct " + args.get(0);
            assertEquals("see '" + command + " --help'", lines.get(1), run.toString());
            assertFalse(run.err().contains("Usage:"), "no help dump: " + run);
            assertEquals("", run.out(), run.toString());
        }
    }

    @Test
    void helpWrapsToTheWidthWithoutHardBreaks() {
        for (String command : COMMANDS) {
            String wide = help(command, 500);
            String narrow = help(command, 80);
            assertTrue(
                    narrow.lines().count() > wide.lines().count(),
                    command + ": the help follows the width");
            List<String> lines = wide.lines().toList();
            for (int i = 0; i + 1 < lines.size(); i++) {
                String line = lines.get(i);
                String next = lines.get(i + 1);
                boolean broken =
                        line.matches(".*[a-z,]$") && next.matches("^[a-z].*") && !line.isBlank();
                assertFalse(
                        broken, command + ": a hard break at 500 columns:\n" + line + "\n" + next);
            }
        }
        assertEquals(132, AmctCommand.helpWidth("132", false));
        assertEquals(55, AmctCommand.helpWidth("20", true));
        assertEquals(0, AmctCommand.helpWidth(null, true));
        assertEquals(80, AmctCommand.helpWidth("", false));
    }

    private static String help(String command, int width) {
        CommandLine root =
                AmctCommand.commandLine(
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(new StringWriter()),
                        false);
        root.setUsageHelpWidth(width);
        return root.getSubcommands().get(command).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void backendsJsonListsFoundAndNotInstalledBackends() throws IOException {
        CliRun run = CliRun.of("backends", "--json");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode root = JSON.readTree(run.out());
        List<String> ids = new ArrayList<>();
        root.get("backends").forEach(b -> ids.add(b.get("id").asText()));
        assertTrue(ids.contains("ejml"), ids.toString());
        JsonNode nd4j = null;
        for (JsonNode known : root.get("not_installed")) {
            assertFalse(ids.contains(known.get("id").asText()), "listed twice: " + known);
            if (known.get("id").asText().equals("nd4j")) {
                nd4j = known;
            }
        }
        assertTrue(nd4j != null, "ND4J is not on the test's module path: " + run.out());
        assertTrue(nd4j.get("enable").asText().contains("AMCT_WITH_ND4J=1"), nd4j.toString());
        assertTrue(root.get("would_use").has("id"), run.out());

        CliRun text = CliRun.of("backends");
        assertTrue(
                text.out().contains("Not installed:\n  nd4j: ")
                        || text.out()
                                .contains("Not installed:" + System.lineSeparator() + "  nd4j: "),
                text.out());
    }

    @Test
    void inspectJsonHasEveryConv2d() throws IOException {
        CliRun run = CliRun.of("inspect", CliRun.EXAMPLE.toString(), "--json");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode root = JSON.readTree(run.out());
        assertEquals("tiny_resnet.onnx", root.get("model").asText());
        assertEquals(6, root.get("layers").size());
        assertEquals(4, root.get("totals").get("eligible").asInt());
        JsonNode first = root.get("layers").get(0);
        assertEquals("conv1", first.get("name").asText());
        assertFalse(first.get("eligible").asBoolean());
        assertTrue(first.get("reason").asText().contains("< 16"), first.toString());
        assertTrue(first.get("rank").isNull());
    }

    @Test
    void verboseRunsLogALinePerLayerWithTheEstimate() {
        CliRun run =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        temp.resolve("out").toString(),
                        "-v",
                        "--threads",
                        "1");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(
                run.err()
                        .matches(
                                "(?s).*amct: 1/4 \\S+ done, \\d+:\\d\\d elapsed, about \\d+:\\d\\d left.*"),
                run.err());
        assertTrue(
                run.err().matches("(?s).*amct: 4/4 \\S+ done, \\d+:\\d\\d elapsed.*"), run.err());
        assertTrue(run.out().contains("% kept"), "the summary says what is kept: " + run.out());
    }

    @Test
    void outOfMemoryInAWorkerIsExitThreeWithTheHeapToAskFor() {
        StringWriter err = new StringWriter();
        CommandLine commandLine =
                AmctCommand.commandLine(
                        new PrintWriter(new StringWriter()), new PrintWriter(err, true), false);
        CommandLine.ParseResult parsed =
                commandLine.parseArgs("decompose", CliRun.EXAMPLE.toString(), "-o", "x");
        int code =
                new ErrorHandler()
                        .handleExecutionException(
                                new DecompositionException(
                                        "Layer 'conv' failed: java.lang.OutOfMemoryError",
                                        new OutOfMemoryError("Java heap space")),
                                commandLine,
                                parsed);
        assertEquals(3, code);
        String message = err.toString();
        assertTrue(message.startsWith("amct: error: out of memory: the Java heap is "), message);
        assertTrue(message.contains("and the model 1.2 MiB"), message);
        assertTrue(message.contains("set AMCT_JAVA_OPTS=-Xmx"), message);
        assertFalse(message.contains("\tat "), "no stack trace without -v");
        assertEquals(1, message.lines().count(), message);
        assertEquals(
                (4 * 100L << 20) + (128L << 20), ErrorHandler.neededHeap(100L << 20, 64L << 20));
        assertEquals(2L << 30, ErrorHandler.neededHeap(0, 1L << 30), "at least twice the heap");
    }
}
