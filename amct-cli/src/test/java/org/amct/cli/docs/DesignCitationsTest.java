package org.amct.cli.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The design pages are in the repository and what cites them finds them: every mention of {@code
 * ALGORITHM.md}, {@code DESIGN.md} or {@code STYLE.md} in the sources, tests, POMs and docs says
 * {@code docs/design/...} (the pages themselves link to each other by file name), and every
 * "section N" it cites is a heading {@code ## N.} of that page. LICENSE and NOTICE are there too.
 */
class DesignCitationsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DESIGN = ROOT.resolve("docs").resolve("design");
    private static final Pattern CITATION =
            Pattern.compile(
                    "(docs/design/)?(ALGORITHM|DESIGN|STYLE)\\.md\\b(\\W{0,3}sections?"
                            + " (\\d+)(?: and (\\d+))?)?");

    private static List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !ROOT.relativize(p).toString().matches("(.*/)?(target|\\.git)/.*"))
                    .filter(p -> p.toString().matches(".*\\.(java|md|xml|sh)$"))
                    .filter(p -> !ROOT.relativize(p).startsWith(".git"))
                    // This test names the pages to find them.
                    .filter(p -> !p.getFileName().toString().equals("DesignCitationsTest.java"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void everyCitationPointsIntoDocsDesignAndItsSectionExists() throws IOException {
        List<String> problems = new ArrayList<>();
        int citations = 0;
        for (Path file : files()) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            boolean designPage = file.getParent().equals(DESIGN);
            Matcher m = CITATION.matcher(text);
            while (m.find()) {
                citations++;
                String where = ROOT.relativize(file) + ": '" + m.group() + "'";
                if (m.group(1) == null
                        && !designPage
                        && !linkedOnTheSameLine(text, m.start(), m.group(2))) {
                    problems.add(where + " does not say docs/design/");
                    continue;
                }
                Path page = DESIGN.resolve(m.group(2) + ".md");
                String target = Files.readString(page, StandardCharsets.UTF_8);
                for (int group = 4; group <= 5; group++) {
                    String section = m.group(group);
                    if (section != null && !target.contains("\n## " + section + ". ")) {
                        problems.add(where + " cites a section that " + page + " does not have");
                    }
                }
            }
        }
        assertTrue(citations > 30, "too few citations found, is the scan broken? " + citations);
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    /** A Markdown link text whose line also holds the link, {@code [`X.md`](design/X.md)}. */
    private static boolean linkedOnTheSameLine(String text, int at, String name) {
        int start = text.lastIndexOf('\n', at) + 1;
        int end = text.indexOf('\n', at);
        String line = text.substring(start, end < 0 ? text.length() : end);
        return line.contains("design/" + name + ".md");
    }

    @Test
    void licenseAndNoticeAreThere() throws IOException {
        String license = Files.readString(ROOT.resolve("LICENSE"), StandardCharsets.UTF_8);
        assertTrue(license.contains("Apache License") && license.contains("Version 2.0"));
        assertTrue(license.contains("END OF TERMS AND CONDITIONS"), "the full text");
        String notice = Files.readString(ROOT.resolve("NOTICE"), StandardCharsets.UTF_8);
        for (String named : List.of("PaddleOCR", "ch_ppocr_mobile_v2.0_cls_infer.onnx", "AMCT")) {
            assertTrue(notice.contains(named), "NOTICE names " + named);
        }
        String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        assertTrue(pom.contains("<name>Apache-2.0</name>"), "the POM declares the license");
    }
}
