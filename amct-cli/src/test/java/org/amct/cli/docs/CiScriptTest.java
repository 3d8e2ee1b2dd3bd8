package org.amct.cli.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What README.md says of {@code .ci/run} holds: it runs {@code mvn verify} with the {@code ci}
 * profile, and that profile (in backend-aparapi) turns a missing OpenCL device into a failure.
 */
class CiScriptTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void ciRunsVerifyWithTheCiProfileThatRequiresAnOpenClDevice() throws IOException {
        String script = Files.readString(ROOT.resolve(".ci/run"), StandardCharsets.UTF_8);
        assertTrue(
                Pattern.compile("(?m)^mvn .*-Pci\\b.* verify\\s*$").matcher(script).find(),
                ".ci/run runs 'mvn ... -Pci ... verify':\n" + script);
        String pom =
                Files.readString(ROOT.resolve("backend-aparapi/pom.xml"), StandardCharsets.UTF_8);
        assertTrue(
                Pattern.compile(
                                "(?s)<id>ci</id>.*?<amct\\.aparapi\\.requireDevice>true"
                                        + "</amct\\.aparapi\\.requireDevice>")
                        .matcher(pom)
                        .find(),
                "backend-aparapi's ci profile sets amct.aparapi.requireDevice to true");
    }
}
