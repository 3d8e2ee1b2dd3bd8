package org.amct.api.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.amct.api.DecompositionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
    @TempDir Path temp;

    @Test
    void theDocumentedFlowsRunAndAgree() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DecompositionResult result =
                QuickStart.run(temp, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(2, result.changes().size(), printed);
        assertTrue(printed.contains("offline weights equal online weights: true"), printed);
        assertTrue(printed.contains("skipped stem"), printed);
    }
}
