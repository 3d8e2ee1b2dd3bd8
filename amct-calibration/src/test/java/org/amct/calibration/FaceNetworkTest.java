package org.amct.calibration;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * The real face network with real face chips (../shared/fixtures): data-aware factors at the
 * reference ranks keep the embedding closer to the original's on faces held out of the calibration.
 * Skipped, with the reason, where the fixtures are absent.
 */
class FaceNetworkTest {
    static final Path FIXTURES = Path.of("..", "..", "shared", "fixtures");
    static final Path MODEL = FIXTURES.resolve("models").resolve("face_resnet.onnx");
    static final Path CHIPS = FIXTURES.resolve("faces").resolve("calibration_augmented.npy");

    @TempDir Path folder;

    /** Every third chip of the faces in {@code [fromFace, toFace)} (14 chips per face). */
    private static List<Map<String, Tensor>> chips(CalibrationData data, int fromFace, int toFace) {
        List<Map<String, Tensor>> out = new ArrayList<>();
        int index = 0;
        for (Map<String, Tensor> batch : data) {
            int face = index / 14;
            if (face >= fromFace && face < toFace && index % 3 == 0) {
                out.add(batch);
            }
            index++;
        }
        return out;
    }

    @Test
    void dataAwareFactorsKeepHeldOutEmbeddingsCloser() throws IOException {
        assumeTrue(
                Files.isRegularFile(MODEL) && Files.isRegularFile(CHIPS),
                "the face fixtures are not in " + FIXTURES.toAbsolutePath().normalize());
        CalibrationData data;
        try (OrtModel ort = OrtModel.open(MODEL, 0)) {
            data = CalibrationData.open(List.of(CHIPS.toString()), ort.inputs(), 0);
        }
        List<Map<String, Tensor>> calibration = chips(data, 0, 6);
        List<Map<String, Tensor>> held = chips(data, 6, 9);
        OnnxModel model = OnnxModel.read(MODEL);
        PatchStatistics statistics = PatchStatistics.collect(model, calibration, 0);
        DecompositionResult plain =
                TensorDecompose.autoDecomposition(model.graph(), DecompositionOptions.defaults());
        DecompositionResult aware =
                TensorDecompose.autoDecomposition(
                        model.graph(),
                        DecompositionOptions.builder()
                                .dataAware(DataAwareFactors.of(statistics))
                                .build());
        Path plainFile = folder.resolve("plain.onnx");
        Path awareFile = folder.resolve("aware.onnx");
        model.write(plain.model(), plainFile);
        model.write(aware.model(), awareFile);
        double before = Fidelity.compare(MODEL, plainFile, held, 0, 1).worstMeanCosine();
        double after = Fidelity.compare(MODEL, awareFile, held, 0, 1).worstMeanCosine();
        assertTrue(
                after > before + 0.02 && after > 0.93,
                "held-out mean cosine: data-aware " + after + ", weight-space " + before);
    }
}
