package org.amct.onnx.docs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerInspection;
import org.amct.api.graph.ModelGraph;
import org.amct.onnx.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the snippets of docs/java-guide.md ({@link JavaGuide}) and checks what they claim. */
class JavaGuideTest {
    private static final Path EXAMPLE = Path.of("..").resolve("examples/tiny_resnet.onnx");

    @TempDir Path temp;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void optionsReportAndInspectionAgree() throws IOException {
        ModelGraph model = OnnxModel.read(EXAMPLE).graph();
        DecompositionResult result = JavaGuide.withOptions(model, temp, out);
        List<LayerInspection> inspected = JavaGuide.inspect(model, out);

        assertEquals("ejml", result.backend().id());
        assertTrue(Files.exists(temp.resolve("decompose_info.json")));
        assertTrue(Files.exists(temp.resolve("report.html")));
        for (LayerInspection layer : inspected) {
            result.layers().stream()
                    .filter(r -> r.name().equals(layer.name()))
                    .forEach(r -> assertEquals(r.rank(), layer.rank().orElseThrow(), r.name()));
        }
        assertEquals(
                result.model().stateDict().size(), JavaGuide.feedParameters(result.model(), out));
        String printedText = printed.toString(StandardCharsets.UTF_8);
        assertTrue(!result.skipped().isEmpty(), "the example model keeps some layers");
        result.skipped()
                .forEach(
                        s ->
                                assertTrue(
                                        printedText.contains("unchanged " + s.name() + ": "),
                                        printedText));
    }

    @Test
    void onnxFlowsWriteModelsThatOnnxRuntimeRunsAlike() throws IOException, OrtException {
        Path decomposed = JavaGuide.decomposeOnnx(EXAMPLE, temp);
        Path info = temp.resolve("decompose_info.json");
        Path weights = temp.resolve("decomposed_weights.safetensors");
        Path applied = JavaGuide.applyToOnnx(EXAMPLE, info, weights, temp);

        float[] logits = JavaGuide.runInOnnxRuntime(decomposed);
        assertEquals(10, logits.length);
        assertArrayEquals(logits, JavaGuide.runInOnnxRuntime(applied), 1e-5f);
    }
}
