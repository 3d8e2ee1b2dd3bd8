package org.amct.api.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of README.md and docs/*.md is a copy of compiled code: the block is
 * preceded by {@code <!-- snippet: FILE#TAG -->}, and its lines (leading whitespace aside) appear,
 * in order and contiguous, between {@code // tag::TAG[]} and {@code // end::TAG[]} in FILE. FILE is
 * a path from the repository root, or a simple name ({@code QuickStart}) found once under a
 * module's {@code src/}. So a snippet that drifts from the code the build compiles and runs fails
 * the build.
 */
class DocSnippetsTest {
    /** The repository root, seen from the module's folder (where Surefire runs). */
    static final Path ROOT = Path.of("..");

    private static final Pattern MARKER =
            Pattern.compile("^\\s*<!--\\s*snippet:\\s*([^#\\s]+)#([\\w-]+)\\s*-->\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*```java\\s*$");
    private static final Pattern TAG_LINE =
            Pattern.compile("^\\s*//\\s*(tag|end)::[\\w-]+\\[\\]\\s*$");

    /**
     * A java block of a Markdown file.
     *
     * @param file the Markdown file
     * @param line the 1-based line of its opening fence
     * @param source the file named by the marker
     * @param tag the tag named by the marker
     * @param lines the block's lines
     */
    record Snippet(Path file, int line, String source, String tag, List<String> lines) {
        String where() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    @Test
    void everyJavaBlockIsMarkedAndMatchesItsTaggedRegion() throws IOException {
        List<Snippet> snippets = new ArrayList<>();
        for (Path file : markdownFiles()) {
            snippets.addAll(snippets(file));
        }
        assertFalse(snippets.isEmpty(), "no java block found: is the docs folder at ../docs?");
        List<String> problems = new ArrayList<>();
        for (Snippet snippet : snippets) {
            check(snippet).ifPresent(problems::add);
        }
        assertEquals(List.of(), problems, "snippets out of step with the code");
    }

    @Test
    void findsBlocksMarkersAndRegions() {
        List<String> region =
                region(
                                List.of(
                                        "class A {",
                                        "    // tag::x[]",
                                        "    int a = 1;",
                                        "    // tag::y[]",
                                        "    int b = 2;",
                                        "    // end::y[]",
                                        "    // end::x[]",
                                        "}"),
                                "x")
                        .orElseThrow();
        assertEquals(List.of("int a = 1;", "int b = 2;"), region);
        assertEquals(Optional.empty(), contiguous(List.of("int a = 1;", "int b = 2;"), region));
        assertTrue(contiguous(List.of("int b = 2;", "int a = 1;"), region).isPresent());
        assertTrue(contiguous(List.of("int c = 3;"), region).isPresent());
    }

    static List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    static List<Snippet> snippets(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Snippet> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!FENCE.matcher(lines.get(i)).matches()) {
                continue;
            }
            Matcher marker = i > 0 ? previousMarker(lines, i) : null;
            if (marker == null) {
                fail(
                        ROOT.relativize(file)
                                + ":"
                                + (i + 1)
                                + ": a ```java block needs a <!-- snippet: FILE#TAG --> line"
                                + " before it");
            }
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).trim().equals("```")) {
                end++;
            }
            out.add(
                    new Snippet(
                            file,
                            i + 1,
                            marker.group(1),
                            marker.group(2),
                            List.copyOf(lines.subList(i + 1, end))));
            i = end;
        }
        return out;
    }

    private static Matcher previousMarker(List<String> lines, int fence) {
        int i = fence - 1;
        while (i > 0 && lines.get(i).isBlank()) {
            i--;
        }
        Matcher marker = MARKER.matcher(lines.get(i));
        return marker.matches() ? marker : null;
    }

    private static Optional<String> check(Snippet snippet) {
        Path source;
        try {
            source = resolve(snippet.source());
        } catch (IllegalStateException e) {
            return Optional.of(snippet.where() + ": " + e.getMessage());
        }
        List<String> code;
        try {
            code = Files.readAllLines(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Optional<List<String>> region = region(code, snippet.tag());
        if (region.isEmpty()) {
            return Optional.of(
                    snippet.where() + ": no region tag::" + snippet.tag() + "[] in " + source);
        }
        return contiguous(stripped(snippet.lines()), region.get())
                .map(
                        line ->
                                snippet.where()
                                        + ": line '"
                                        + line
                                        + "' is not where the block says in "
                                        + snippet.source()
                                        + "#"
                                        + snippet.tag()
                                        + ". The region is:\n"
                                        + String.join("\n", region.get()));
    }

    /**
     * Where the block's lines are not a contiguous run of the region: the first line that fails.
     */
    static Optional<String> contiguous(List<String> block, List<String> region) {
        List<String> wanted = block.stream().filter(l -> !l.isEmpty()).toList();
        if (wanted.isEmpty()) {
            return Optional.of("(an empty block)");
        }
        List<String> haystack = region.stream().filter(l -> !l.isEmpty()).toList();
        for (int start = 0; start + wanted.size() <= haystack.size(); start++) {
            if (haystack.subList(start, start + wanted.size()).equals(wanted)) {
                return Optional.empty();
            }
        }
        for (String line : wanted) {
            if (!haystack.contains(line)) {
                return Optional.of(line);
            }
        }
        return Optional.of(wanted.get(0) + " ... (lines in another order)");
    }

    /** The lines between the tag's markers, leading whitespace and nested markers removed. */
    static Optional<List<String>> region(List<String> code, String tag) {
        String begin = "// tag::" + tag + "[]";
        String end = "// end::" + tag + "[]";
        int from = -1;
        for (int i = 0; i < code.size(); i++) {
            String line = code.get(i).trim();
            if (line.equals(begin)) {
                from = i + 1;
            } else if (line.equals(end) && from >= 0) {
                return Optional.of(
                        stripped(
                                code.subList(from, i).stream()
                                        .filter(l -> !TAG_LINE.matcher(l).matches())
                                        .toList()));
            }
        }
        return Optional.empty();
    }

    private static List<String> stripped(List<String> lines) {
        return lines.stream().map(String::strip).collect(Collectors.toList());
    }

    /** A repository path, or a simple name found once as {@code NAME.java} under a module's src. */
    static Path resolve(String name) {
        if (name.contains("/")) {
            Path path = ROOT.resolve(name);
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("no file " + name);
            }
            return path;
        }
        String fileName = name.endsWith(".java") ? name : name + ".java";
        List<Path> found;
        try (Stream<Path> modules = Files.list(ROOT)) {
            found =
                    modules.map(module -> module.resolve("src"))
                            .filter(Files::isDirectory)
                            .flatMap(DocSnippetsTest::walk)
                            .filter(p -> p.getFileName().toString().equals(fileName))
                            .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (found.size() != 1) {
            throw new IllegalStateException(
                    found.size() + " files named " + fileName + " under */src: " + found);
        }
        return found.get(0);
    }

    private static Stream<Path> walk(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
