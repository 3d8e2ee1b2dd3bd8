package org.amct.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the docs say about the build holds: every Maven profile a page names ({@code -Pname}, or
 * {@code `name` profile}) is a {@code <profile>} of a POM of the repository, and every JUnit tag a
 * page names ({@code @Tag("name")}) is used by a test. So a page cannot again describe a GPU
 * profile or a device tag that does not exist (the {@code -Pgpu} and {@code @Tag("gpu")} of an
 * earlier version).
 */
class DocBuildClaimsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final Pattern PROFILE_FLAG = Pattern.compile("(?<![\\w-])-P([A-Za-z][\\w.-]*)");
    private static final Pattern PROFILE_WORDS = Pattern.compile("`([A-Za-z][\\w.-]*)` profile");
    private static final Pattern POM_PROFILE =
            Pattern.compile("<profile>(?:\\s|<!--.*?-->)*<id>([^<]+)</id>", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("@Tag\\(\"([^\"]+)\"\\)");

    /**
     * The files of the repository with one of the endings, outside build output and dot-folders.
     */
    static List<Path> files(String regex) throws IOException {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches(regex))
                    .filter(
                            p -> {
                                Path relative = ROOT.relativize(p);
                                for (int i = 0; i < relative.getNameCount() - 1; i++) {
                                    String folder = relative.getName(i).toString();
                                    if (folder.equals("target") || folder.startsWith(".")) {
                                        return false;
                                    }
                                }
                                return true;
                            })
                    .sorted()
                    .toList();
        }
    }

    /** Every Markdown page of the repository. */
    static List<Path> pages() throws IOException {
        return files(".*\\.md");
    }

    static Set<String> named(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Set<String> profiles() throws IOException {
        Set<String> ids = new TreeSet<>();
        for (Path pom : files("pom\\.xml")) {
            ids.addAll(named(POM_PROFILE, Files.readString(pom, StandardCharsets.UTF_8)));
        }
        return ids;
    }

    private static Set<String> testTags() throws IOException {
        Set<String> tags = new TreeSet<>();
        for (Path source : files(".*\\.java")) {
            if (source.toString().contains("/src/test/")
                    && !source.getFileName().toString().equals("DocBuildClaimsTest.java")) {
                tags.addAll(named(TAG, Files.readString(source, StandardCharsets.UTF_8)));
            }
        }
        return tags;
    }

    @Test
    void everyProfileAndTagThePagesNameExists() throws IOException {
        Set<String> profiles = profiles();
        assertTrue(
                profiles.containsAll(Set.of("ci", "cuda", "benchmark")),
                "profiles found: " + profiles);
        Set<String> tags = testTags();
        List<String> problems = new ArrayList<>();
        List<Path> pages = pages();
        assertTrue(pages.size() >= 15, "too few pages found, is the walk broken? " + pages);
        for (Path page : pages) {
            String text = Files.readString(page, StandardCharsets.UTF_8);
            Set<String> claimed = named(PROFILE_FLAG, text);
            claimed.addAll(named(PROFILE_WORDS, text));
            for (String profile : claimed) {
                if (!profiles.contains(profile)) {
                    problems.add(
                            ROOT.relativize(page) + ": profile '" + profile + "' is in no POM");
                }
            }
            for (String tag : named(TAG, text)) {
                if (!tags.contains(tag)) {
                    problems.add(ROOT.relativize(page) + ": tag '" + tag + "' is used by no test");
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(
                    "The docs describe build machinery that does not exist:\n"
                            + String.join("\n", problems));
        }
    }

    @Test
    void theScanFindsProfilesAndTagsInProse() {
        String prose =
                "Run `mvn -Pgpu verify` (the `gpu` profile) for the @Tag(\"gpu\") tests;"
                        + " not a profile: mvn -pl amct-api -DskipTests, x-Pno.";
        assertEquals(Set.of("gpu"), named(PROFILE_FLAG, prose));
        assertEquals(Set.of("gpu"), named(PROFILE_WORDS, prose));
        assertEquals(Set.of("gpu"), named(TAG, prose));
    }
}
