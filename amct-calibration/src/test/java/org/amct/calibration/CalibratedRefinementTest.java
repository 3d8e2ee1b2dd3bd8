package org.amct.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.amct.api.CompressionTarget;
import org.amct.api.DecompositionOptions;
import org.amct.api.LayerReport;
import org.amct.api.TargetReport;
import org.amct.onnx.OnnxModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java entry point on the repository's example model, run in ONNX Runtime: a budget refined end
 * to end, the smallest model that keeps a target cosine, and a caller's own score driving the
 * refinement.
 */
class CalibratedRefinementTest {
    static final Path EXAMPLE = CalibratedDecompositionTest.EXAMPLE;

    @TempDir static Path folder;

    static CalibrationData data;

    @BeforeAll
    static void data() throws IOException {
        Path file = CalibratedDecompositionTest.images(folder.resolve("calibration.npy"), 24, 3);
        try (OrtModel ort = OrtModel.open(EXAMPLE, 1)) {
            data = CalibrationData.open(List.of(file.toString()), ort.inputs(), 0);
        }
    }

    static DecompositionOptions.Builder options() {
        return DecompositionOptions.builder().backend("ejml").threads(1).rankMultiple(8);
    }

    /** The kept model's mean cosine, measured apart from the run (written, then compared). */
    static double measured(OnnxModel model, CalibratedResult run, String name) throws IOException {
        Path file = folder.resolve(name + ".onnx");
        model.write(run.result().model(), file);
        return Fidelity.compare(EXAMPLE, file, data, 1, 1).worstMeanCosine();
    }

    static Map<String, Integer> ranks(CalibratedResult run) {
        Map<String, Integer> ranks = new LinkedHashMap<>();
        run.result().layers().forEach(l -> ranks.put(l.name(), l.rank()));
        return ranks;
    }

    @Test
    void aRefinedBudgetIsMetAndNeverWorseThanTheStart() throws IOException {
        OnnxModel model = OnnxModel.read(EXAMPLE);
        CalibratedResult run =
                CalibratedDecomposition.builder(model, data)
                        .options(options().target(CompressionTarget.params(0.5)).build())
                        .refineSamples(8)
                        .threads(1)
                        .build()
                        .run();
        RefinementReport report = run.refinement().orElseThrow();
        TargetReport target = run.result().target().orElseThrow();
        assertTrue(target.after() <= target.limit(), target.toString());
        assertEquals(run.result().totals().paramsAfter(), target.after());
        assertEquals(report.keptRanks(), ranks(run));
        double kept = Math.max(report.startScore(), report.refinedScore());
        assertEquals(kept, measured(model, run, "refined"), 1e-9, report.toString());
        assertTrue(report.refinedKept() == report.refinedScore() > report.startScore());
        assertEquals(8, report.curveSamples());
        assertEquals(24, report.samples());
        assertEquals(4, report.curves().size(), "every allocated layer measured");
        assertTrue(report.evaluations() <= 4 * GreedyRefinement.POINTS + 2, report.toString());
        assertTrue(run.statistics().isPresent());
    }

    @Test
    void theTargetCosineIsMetAndASmallerBudgetTriedIsNot() throws IOException {
        OnnxModel model = OnnxModel.read(EXAMPLE);
        double wanted = 0.995;
        CalibratedResult run =
                CalibratedDecomposition.builder(model, data)
                        .options(options().build())
                        .targetCosine(wanted, CompressionTarget.Measure.PARAMS)
                        .threads(1)
                        .build()
                        .run();
        CosineSearchReport search = run.search().orElseThrow();
        assertTrue(search.cosine() >= wanted, search.toString());
        assertEquals(search.cosine(), measured(model, run, "searched"), 1e-9);
        assertTrue(!run.result().layers().isEmpty(), "something is decomposed");
        TargetReport target = run.result().target().orElseThrow();
        assertEquals(search.fraction(), target.target().fraction());
        assertTrue(target.after() <= target.limit());
        assertEquals(search.achieved(), target.achieved(), 1e-12);
        boolean smallerFailed = false;
        for (CosineSearchReport.Trial t : search.tried()) {
            if (t.fraction() < search.fraction()) {
                assertTrue(!t.meets() && !(t.cosine() >= wanted), search.toString());
                smallerFailed = true;
            }
        }
        assertTrue(smallerFailed, "a smaller budget was tried: " + search);
    }

    @Test
    void aCallbackThatSparesOneLayerChangesTheAllocation() throws IOException {
        OnnxModel model = OnnxModel.read(EXAMPLE);
        String spared = "layer2.0.conv2";
        AtomicInteger calls = new AtomicInteger();
        // Every parameter saved costs 1, in the spared layer 100: the score wants the budget met
        // everywhere but there.
        CandidateScore score =
                candidate -> {
                    if (calls.incrementAndGet() == 1) {
                        try (OrtModel ort = OrtModel.fromBytes(candidate.onnx(), "callback", 1)) {
                            assertEquals(List.of("logits"), ort.outputNames());
                        }
                    }
                    double s = 0;
                    for (LayerReport layer : candidate.result().layers()) {
                        double saved = layer.paramsBefore() - layer.paramsAfter();
                        s -= (layer.name().equals(spared) ? 100 : 1) * saved;
                    }
                    return s;
                };
        DecompositionOptions budget = options().target(CompressionTarget.params(0.6)).build();
        CalibratedResult byCosine =
                CalibratedDecomposition.builder(model, data)
                        .options(budget)
                        .refineSamples(8)
                        .threads(1)
                        .build()
                        .run();
        CalibratedResult byCallback =
                CalibratedDecomposition.builder(model, data)
                        .options(budget)
                        .score(score)
                        .threads(1)
                        .build()
                        .run();
        RefinementReport report = byCallback.refinement().orElseThrow();
        assertEquals("callback", report.score());
        assertEquals(calls.get(), report.evaluations(), "every model scored was counted");
        assertTrue(report.refinedKept(), report.toString());
        TargetReport target = byCallback.result().target().orElseThrow();
        assertTrue(target.after() <= target.limit());
        int sparedByCallback = ranks(byCallback).getOrDefault(spared, Integer.MAX_VALUE);
        int sparedByCosine = ranks(byCosine).getOrDefault(spared, Integer.MAX_VALUE);
        assertTrue(
                sparedByCallback > sparedByCosine,
                "callback " + ranks(byCallback) + ", cosine " + ranks(byCosine));
        assertNotEquals(ranks(byCosine), ranks(byCallback));
    }

    @Test
    void anInMemoryModelRunsAsItsFileDoes() throws IOException {
        OnnxModel model = OnnxModel.read(EXAMPLE);
        Map<String, org.amct.api.graph.Tensor> batch = data.iterator().next();
        try (OrtModel file = OrtModel.open(EXAMPLE, 1);
                OrtModel memory =
                        OrtModel.fromBytes(model.toByteArray(model.graph()), "in memory", 1)) {
            assertEquals(file.inputs(), memory.inputs());
            assertArrayEquals(
                    file.run(batch, java.util.Set.of()).get("logits").values(),
                    memory.run(batch, java.util.Set.of()).get("logits").values());
        }
    }
}
