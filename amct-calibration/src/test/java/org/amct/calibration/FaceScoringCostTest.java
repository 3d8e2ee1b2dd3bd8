package org.amct.calibration;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.List;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.TensorDecompose;
import org.amct.onnx.OnnxModel;
import org.junit.jupiter.api.Test;

/**
 * Prints what scoring one candidate costs on the face network; run with AMCT_FACE_COST=DIR in the
 * environment.
 */
class FaceScoringCostTest {
    @Test
    void print() throws Exception {
        String dir = System.getenv("AMCT_FACE_COST");
        assumeTrue(dir != null && Files.isRegularFile(FaceNetworkTest.MODEL), "not asked for");
        OnnxModel model = OnnxModel.read(FaceNetworkTest.MODEL);
        CalibrationData data;
        try (OrtModel ort = OrtModel.open(FaceNetworkTest.MODEL, 0)) {
            data = CalibrationData.open(List.of(dir), ort.inputs(), 0);
        }
        long t0 = System.nanoTime();
        OutputCosine all = OutputCosine.measure(model, data, 0, 0);
        System.out.printf("original on %d samples: %.2f s%n", all.samples(), all.originalSeconds());
        DecompositionResult plain =
                TensorDecompose.autoDecomposition(model.graph(), DecompositionOptions.defaults());
        for (int i = 0; i < 3; i++) {
            long a = System.nanoTime();
            Candidate c = new Candidate(model, plain);
            byte[] bytes = c.onnx();
            long b = System.nanoTime();
            double s16 = all.prefix(16).score(new Candidate(model, plain));
            long d = System.nanoTime();
            double s8 = all.prefix(8).score(new Candidate(model, plain));
            long e = System.nanoTime();
            System.out.printf(
                    "serialize %d bytes %.3f s; score 16 samples %.3f s (%.6f); 8 samples %.3f s%n",
                    bytes.length, (b - a) / 1e9, (d - b) / 1e9, s16, (e - d) / 1e9);
        }
        long f = System.nanoTime();
        double s = all.score(new Candidate(model, plain));
        System.out.printf(
                "score all %d: %.3f s (%.6f)%n", all.samples(), (System.nanoTime() - f) / 1e9, s);
        try (OrtModel o = OrtModel.open(new Candidate(model, plain).onnx(), "x", 0)) {
            long g = System.nanoTime();
            for (var batch : data) {
                o.run(batch, java.util.Set.of());
            }
            System.out.printf("run only, all samples: %.3f s%n", (System.nanoTime() - g) / 1e9);
        }
        long h = System.nanoTime();
        try (OrtModel o = OrtModel.open(new Candidate(model, plain).onnx(), "x", 0)) {
            System.out.printf(
                    "session only: %.3f s (%d inputs)%n",
                    (System.nanoTime() - h) / 1e9, o.inputs().size());
        }
        System.out.printf("total %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
