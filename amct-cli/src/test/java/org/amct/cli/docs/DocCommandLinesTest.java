package org.amct.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.amct.cli.command.AmctCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code amct} command line in a fenced code block of every Markdown page of the repository
 * (README.md, examples/README.md, docs/ and any other; build output and dot-folders aside) is
 * parsed by the CLI's own picocli model, so that an unknown option, a missing required option or
 * parameter, or a command that does not exist fails the build instead of the reader. A command line
 * starts with {@code ./amct}, with {@code amct} or with a path ending in {@code bin/amct} (the
 * release). Lines continued with a backslash are joined; leading {@code NAME=value} environment
 * assignments, a trailing {@code # comment} and anything after a pipe, {@code &&}, {@code ;} or a
 * redirection are not part of the command; in a synopsis, optional parts in brackets ({@code
 * [--samples N]}) are left out. Inline code spans ({@code `./amct inspect`}) name commands in prose
 * and are not parsed.
 */
class DocCommandLinesTest {
    /** A command line found in a page, with where it was found. */
    record Found(Path page, int line, List<String> args) {
        @Override
        public String toString() {
            return page + ":" + line + ": ./amct " + String.join(" ", args);
        }
    }

    /** Every Markdown page of the repository, seen from the module's folder. */
    private static List<Path> pages() throws IOException {
        return DocBuildClaimsTest.pages();
    }

    /** Whether a word runs amct: {@code ./amct}, {@code amct} or a path ending in bin/amct. */
    static boolean isAmct(String word) {
        return word.equals("./amct") || word.equals("amct") || word.endsWith("bin/amct");
    }

    private static final java.util.regex.Pattern MENTIONS_AMCT =
            java.util.regex.Pattern.compile("(^|[\\s/])amct(\\s|$)");

    /** A synopsis's optional parts, {@code [--samples N]}: no quotes or nested brackets inside. */
    private static final java.util.regex.Pattern OPTIONAL =
            java.util.regex.Pattern.compile("\\s\\[-[^\\]\\[\'\"]*\\]");

    /** The command lines of one page's fenced code blocks. */
    static List<Found> commandLines(Path page, List<String> lines) {
        List<Found> found = new ArrayList<>();
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (!fenced || !MENTIONS_AMCT.matcher(line).find()) {
                continue;
            }
            int first = i;
            StringBuilder joined = new StringBuilder(line);
            while (joined.toString().stripTrailing().endsWith("\\") && i + 1 < lines.size()) {
                String kept = joined.toString().stripTrailing();
                joined.setLength(0);
                joined.append(kept, 0, kept.length() - 1).append(' ').append(lines.get(++i));
            }
            List<String> words = words(OPTIONAL.matcher(joined).replaceAll(""));
            int start = 0;
            while (start < words.size() && !isAmct(words.get(start))) {
                start++;
            }
            if (start == words.size()) {
                continue; // amct inside a longer word, for example a path
            }
            boolean onlyVariablesBefore =
                    words.subList(0, start).stream()
                            .allMatch(w -> w.matches("[A-Z_][A-Z0-9_]*=.*"));
            if (!onlyVariablesBefore && !words.get(start).equals("./amct")) {
                continue; // "amct" as an argument of another command, for example
            }
            for (String word : words.subList(0, start)) {
                assertTrue(
                        word.matches("[A-Z_][A-Z0-9_]*=.*"),
                        page + ":" + (first + 1) + ": only VAR=value may precede ./amct: " + word);
            }
            found.add(new Found(page, first + 1, words.subList(start + 1, words.size())));
        }
        return found;
    }

    /** Shell-like words up to a comment, pipe, list operator or redirection; quotes removed. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
                continue;
            }
            if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '#' && !inWord
                    || c == '|'
                    || c == ';'
                    || c == '&'
                    || c == '>'
                    || c == '<') {
                break;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("Unclosed quote in: " + line);
        }
        if (inWord) {
            words.add(word.toString());
        }
        // "2>&1" leaves a trailing "2" behind; a redirection's descriptor is not an argument.
        if (line.contains(">") && !words.isEmpty() && words.get(words.size() - 1).matches("\\d")) {
            words.remove(words.size() - 1);
        }
        return words;
    }

    private static CommandLine amct() {
        return AmctCommand.commandLine(
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false);
    }

    @Test
    void everyDocumentedCommandLineParses() throws IOException {
        List<Found> all = new ArrayList<>();
        for (Path page : pages()) {
            all.addAll(commandLines(page, Files.readAllLines(page, StandardCharsets.UTF_8)));
        }
        assertTrue(all.size() >= 10, "too few command lines found, is the scan broken? " + all);
        List<String> failures = new ArrayList<>();
        for (Found command : all) {
            try {
                CommandLine.ParseResult parsed =
                        amct().parseArgs(command.args().toArray(String[]::new));
                if (!parsed.hasSubcommand()
                        && !parsed.isUsageHelpRequested()
                        && !parsed.isVersionHelpRequested()) {
                    failures.add(command + ": names no command");
                }
            } catch (CommandLine.ParameterException e) {
                failures.add(command + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            fail(
                    "Command lines in the docs that amct would reject:\n"
                            + String.join("\n", failures));
        }
    }

    @Test
    void theScanFindsContinuedLinesAndTheCheckRejectsBadOnes() {
        List<Found> found =
                commandLines(
                        Path.of("page.md"),
                        List.of(
                                "```bash",
                                "AMCT_BACKEND=ejml ./amct apply m.onnx --info i.json \\",
                                "    -o out 2>&1 | tail   # restructure",
                                "```",
                                "`./amct inspect` in prose is not a command line"));
        assertEquals(1, found.size(), found.toString());
        assertEquals(
                List.of("apply", "m.onnx", "--info", "i.json", "-o", "out"), found.get(0).args());
        assertEquals(2, found.get(0).line());
        // The other spellings of the command, a synopsis, and words that only contain "amct".
        List<Found> more =
                commandLines(
                        Path.of("page.md"),
                        List.of(
                                "```text",
                                "amct verify A.onnx B.onnx --inputs PATH [--min-cosine C] [--runs N]",
                                "amct-0.1.0/bin/amct backends",
                                "tar -xzf amct-0.1.0.tar.gz",
                                "amct: error: The model 'x' does not exist",
                                "cd amct && mvn verify",
                                "```"));
        assertEquals(
                List.of(
                        List.of("verify", "A.onnx", "B.onnx", "--inputs", "PATH"),
                        List.of("backends")),
                more.stream().map(Found::args).toList());
        // The kinds of mistake the docs test exists for.
        assertThrows(
                CommandLine.ParameterException.class,
                () -> amct().parseArgs("decompose", "m.onnx", "--output-dir", "out"));
        assertThrows(
                CommandLine.ParameterException.class,
                () -> amct().parseArgs("decompose", "m.onnx"));
        assertThrows(
                CommandLine.ParameterException.class,
                () -> amct().parseArgs("apply", "m.onnx", "-o", "out"));
        assertThrows(CommandLine.ParameterException.class, () -> amct().parseArgs("frobnicate"));
    }
}
