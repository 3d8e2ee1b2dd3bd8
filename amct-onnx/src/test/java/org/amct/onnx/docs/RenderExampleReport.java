package org.amct.onnx.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.TensorDecompose;
import org.amct.api.report.HtmlReport;
import org.amct.onnx.OnnxModel;

/**
 * Decomposes an ONNX model and writes the HTML report, for looking at it in a browser ({@code
 * docs/tools/render-report.sh} runs it). Not part of the test run.
 */
public final class RenderExampleReport {
    private RenderExampleReport() {}

    /**
     * Runs it.
     *
     * @param args the ONNX model (default {@code ../examples/tiny_resnet.onnx}) and the HTML file
     *     to write (default {@code target/report.html})
     * @throws IOException if the model cannot be read or the report written
     */
    public static void main(String[] args) throws IOException {
        Path model = Path.of(args.length > 0 ? args[0] : "../examples/tiny_resnet.onnx");
        Path report = Path.of(args.length > 1 ? args[1] : "target/report.html");
        OnnxModel onnx = OnnxModel.read(model);
        DecompositionResult result =
                TensorDecompose.autoDecomposition(onnx.graph(), DecompositionOptions.defaults());
        Path folder = report.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        HtmlReport.write(result.summary(), report);
    }
}
