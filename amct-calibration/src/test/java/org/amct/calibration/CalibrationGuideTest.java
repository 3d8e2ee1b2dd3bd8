package org.amct.calibration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.amct.api.CompressionTarget;
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

    @Test
    void theGuidesRefinementExampleRuns() throws IOException {
        Path modelFile = CalibratedDecompositionTest.EXAMPLE;
        Path chips = CalibratedDecompositionTest.images(folder.resolve("chips.npy"), 8, 3);
        Path out = folder.resolve("model_refined.onnx");
        OnnxModel model = OnnxModel.read(modelFile);
        Iterable<Map<String, Tensor>> batches;
        try (OrtModel ort = OrtModel.open(modelFile, 0)) {
            batches = CalibrationData.open(List.of(chips.toString()), ort.inputs(), 0);
        }
        // tag::refine[]
        // Data-aware factors, the budget allocated on the whitened spectra, then refined end to
        // end (kept only if its mean output cosine on the calibration data is higher).
        CalibratedResult run =
                CalibratedDecomposition.builder(model, batches)
                        .options(
                                DecompositionOptions.builder()
                                        .target(CompressionTarget.params(0.5))
                                        .build())
                        .refineSamples(4) // per-layer points on the first 4 samples
                        .build()
                        .run();
        RefinementReport refinement = run.refinement().orElseThrow();
        // Or the smallest model that keeps a mean output cosine of 0.99:
        CalibratedResult smallest =
                CalibratedDecomposition.builder(model, batches)
                        .targetCosine(0.99, CompressionTarget.Measure.PARAMS)
                        .build()
                        .run();
        // Or your own task metric driving the refinement (higher is better):
        CandidateScore accuracy =
                candidate -> myValidationAccuracy(candidate.onnx()); // the model's .onnx bytes
        CalibratedResult mine =
                CalibratedDecomposition.builder(model, batches)
                        .options(
                                DecompositionOptions.builder()
                                        .target(CompressionTarget.params(0.5))
                                        .build())
                        .score(accuracy)
                        .build()
                        .run();
        model.write(mine.result().model(), out);
        // end::refine[]
        assertTrue(refinement.evaluations() > 0);
        assertTrue(smallest.search().orElseThrow().cosine() >= 0.99);
        assertTrue(mine.refinement().orElseThrow().score().equals("callback"));
    }

    /** A stand-in for a user's metric: the model's outputs on their labelled data. */
    private static double myValidationAccuracy(byte[] onnx) {
        try (OrtModel ort = OrtModel.fromBytes(onnx, "validation", 1)) {
            return -ort.inputs().size() * onnx.length; // smaller models score higher here
        }
    }
}
