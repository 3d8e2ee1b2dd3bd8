package org.amct.cli.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amct.cli.command.ExitCode;
import org.junit.jupiter.api.Test;

/**
 * docs/errors.md lists every exit code and every exception type a user can get, so that a new one
 * cannot be added without its page entry.
 */
class ErrorsPageTest {
    /** docs/errors.md, seen from the module's folder (where Surefire runs). */
    static final Path FILE = Path.of("..", "docs", "errors.md");

    @Test
    void listsEveryExitCodeAndExceptionType() throws IOException {
        String page = Files.readString(FILE);
        for (ExitCode code : ExitCode.values()) {
            assertTrue(
                    page.contains("\n| " + code.code() + " | "),
                    "docs/errors.md has no row for exit code " + code.code());
            if (code != ExitCode.SUCCESS) {
                assertTrue(
                        page.contains("\n## " + code.code() + ": "),
                        "docs/errors.md has no section for exit code " + code.code());
            }
        }
        for (String type :
                List.of(
                        "ModelFormatException",
                        "DecompositionInfoException",
                        "ModelMismatchException",
                        "DecompositionException",
                        "NoUsableBackendException",
                        "BackendException",
                        "AmctException",
                        "ErrorCategory")) {
            assertTrue(page.contains("`" + type + "`"), "docs/errors.md does not name " + type);
        }
    }
}
