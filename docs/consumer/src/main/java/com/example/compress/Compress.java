package com.example.compress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerReport;
import org.amct.api.TensorDecompose;
import org.amct.api.report.HtmlReport;
import org.amct.api.report.ReportContext;
import org.amct.onnx.OnnxModel;

// tag::consumer[]
/** Decomposes an ONNX model: java ... com.example.compress.Compress MODEL.onnx OUT_DIR */
public final class Compress {
    private Compress() {}

    public static void main(String[] args) throws IOException {
        Path model = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        OnnxModel onnx = OnnxModel.read(model);
        DecompositionResult result =
                TensorDecompose.autoDecomposition(
                        onnx.graph(),
                        DecompositionOptions.builder()
                                .decomposeInfoFile(out.resolve("decompose_info.json"))
                                .build());
        onnx.write(result.model(), out.resolve("decomposed.onnx"));
        // The report, with what the result does not know: the file, the date, how it was run.
        ReportContext context =
                ReportContext.builder()
                        .model(model.getFileName().toString())
                        .date(Instant.now())
                        .commandLine("Compress " + String.join(" ", args))
                        .fact("Target", "about a third of the Conv2d weights")
                        .build();
        HtmlReport.write(result.summary(), context, out.resolve("report.html"));
        for (LayerReport layer : result.layers()) {
            System.out.printf(
                    "%s: rank %d, %d -> %d parameters%n",
                    layer.name(), layer.rank(), layer.paramsBefore(), layer.paramsAfter());
        }
        System.out.println(
                "Decomposed " + result.layers().size() + " layers on " + result.backend().id());
    }
}
// end::consumer[]
