package org.amct.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/public-api.md states what the module descriptors of amct-api, amct-onnx and amct-spi export:
 * its table of exported packages is exactly their unqualified {@code exports}, and every qualified
 * export ({@code exports ... to}) is listed as not API.
 */
class PublicApiPageTest {
    private static final Path ROOT = Path.of("..");
    private static final List<String> MODULES = List.of("amct-api", "amct-onnx", "amct-spi");
    private static final Pattern EXPORT =
            Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*(;|to\\b)");
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(org\\.amct[\\w.]*)` \\|");

    @Test
    void theExportedPackagesAreThoseOfTheModuleDescriptors() throws IOException {
        Set<String> exported = new TreeSet<>();
        Set<String> qualified = new TreeSet<>();
        for (String module : MODULES) {
            String descriptor =
                    Files.readString(
                            ROOT.resolve(module).resolve("src/main/java/module-info.java"),
                            StandardCharsets.UTF_8);
            Matcher m = EXPORT.matcher(descriptor);
            while (m.find()) {
                (m.group(2).equals(";") ? exported : qualified).add(m.group(1));
            }
        }
        String page = Files.readString(ROOT.resolve("docs/public-api.md"), StandardCharsets.UTF_8);
        int notApi = page.indexOf("\n## Not API");
        assertTrue(notApi > 0, "docs/public-api.md has a 'Not API' section");
        Set<String> listed = new TreeSet<>();
        Matcher row = ROW.matcher(page.substring(0, notApi));
        while (row.find()) {
            listed.add(row.group(1));
        }
        assertEquals(
                exported,
                listed,
                "docs/public-api.md's table of exported packages must be the unqualified exports of "
                        + MODULES);
        for (String internal : qualified) {
            assertTrue(
                    page.substring(notApi).contains("`" + internal + "`"),
                    "docs/public-api.md lists " + internal + " (a qualified export) as not API");
        }
    }
}
