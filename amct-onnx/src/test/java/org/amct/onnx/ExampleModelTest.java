package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed example model is exactly what {@link ExampleModels} generates. Regenerate it with
 * {@code mvn -pl amct-api test -Dtest=ExampleModelTest -Damct.examples.regenerate=true}.
 */
class ExampleModelTest {
    /** The repository's {@code examples/} folder, seen from the module's folder. */
    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void committedExampleMatchesTheGenerator() throws IOException {
        byte[] generated = ExampleModels.tinyResNet().toByteArray();
        Path file = EXAMPLES.resolve(ExampleModels.TINY_RESNET);
        if (Boolean.getBoolean("amct.examples.regenerate")) {
            Files.createDirectories(EXAMPLES);
            Files.write(file, generated);
        }
        assertTrue(generated.length < 5 * 1024 * 1024, "example is " + generated.length + " bytes");
        assertArrayEquals(generated, Files.readAllBytes(file));
    }
}
