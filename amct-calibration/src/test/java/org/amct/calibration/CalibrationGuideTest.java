package org.amct.calibration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.amct.api.DataAwareFactors;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.TensorDecompose;
import org.amct.api.graph.Tensor;
import org.amct.onnx.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java example of docs/calibration.md, run on the example model. */
class CalibrationGuideTest {
    @TempDir Path folder;

    @Test
    void theGuidesExampleRuns() throws IOException {
        Path modelFile = CalibratedDecompositionTest.EXAMPLE;
        Path chips = CalibratedDecompositionTest.images(folder.resolve("chips.npy"), 8, 3);
        Path out = folder.resolve("model_decomposed.onnx");
        // tag::calibrate[]
        OnnxModel model = OnnxModel.read(modelFile);
        // Calibration data: any Iterable<Map<String, Tensor>> of batches (input name -> tensor
        // with a leading batch axis); CalibrationData streams them from .npy files.
        Iterable<Map<String, Tensor>> batches;
        try (OrtModel ort = OrtModel.open(modelFile, 0)) {
            batches = CalibrationData.open(List.of(chips.toString()), ort.inputs(), 0);
        }
        PatchStatistics statistics = PatchStatistics.collect(model, batches, 0);
        DecompositionResult result =
                TensorDecompose.autoDecomposition(
                        model.graph(),
                        DecompositionOptions.builder()
                                .dataAware(DataAwareFactors.of(statistics))
                                .build());
        model.write(result.model(), out);
        FidelityReport fidelity = Fidelity.compare(modelFile, out, batches, 0, 7);
        double meanCosine = fidelity.worstMeanCosine(); // 1.0 = same outputs
        // end::calibrate[]
        assertTrue(meanCosine > 0.5, fidelity.toString());
    }
}
