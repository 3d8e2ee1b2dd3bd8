package org.amct.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amct.api.CompressionTarget;
import org.amct.api.DecompositionResult;
import org.amct.api.exception.DecompositionException;
import org.junit.jupiter.api.Test;

/**
 * The refinement and the cosine search on a made-up plan whose score is known in closed form: the
 * algorithms, without inference.
 */
class GreedyRefinementTest {
    /** Three layers of 10,000 parameters, 200 per rank, full rank 64, a fixed rest of 5,000. */
    static final class FakeSpace implements RankSpace {
        final List<Layer> layers =
                List.of(new Layer("a", 48, 64), new Layer("b", 48, 64), new Layer("c", 48, 64));
        int built;

        @Override
        public List<Layer> layers() {
            return layers;
        }

        @Override
        public int rankMultiple() {
            return 8;
        }

        @Override
        public long cost(String layer, int rank, CompressionTarget.Measure measure) {
            return rank == 0 ? 10_000 : 200L * rank;
        }

        @Override
        public long before(CompressionTarget.Measure measure) {
            return 35_000;
        }

        @Override
        public long fixedAfter(CompressionTarget.Measure measure) {
            return 5_000;
        }

        /** The same rank for every layer, the largest on the multiple that fits. */
        @Override
        public Map<String, Integer> allocate(CompressionTarget target) {
            long budget = (long) Math.floor(target.fraction() * 35_000) - 5_000;
            int rank = (int) (budget / (3 * 200)) / 8 * 8;
            if (rank < 8) {
                throw new DecompositionException("the " + target + " cannot be met");
            }
            Map<String, Integer> ranks = new LinkedHashMap<>();
            if (rank <= 48) {
                layers.forEach(l -> ranks.put(l.name(), rank));
            } else {
                // Beyond the largest rank: one layer stays whole, the others share the rest.
                int shared = (int) Math.min(48, (budget - 10_000) / (2 * 200) / 8 * 8);
                ranks.put("a", shared);
                ranks.put("b", shared);
            }
            return ranks;
        }

        @Override
        public DecompositionResult build(Map<String, Integer> ranks) {
            built++;
            throw new UnsupportedOperationException("not needed");
        }

        @Override
        public DecompositionResult finish(Map<String, Integer> ranks) {
            throw new UnsupportedOperationException("not needed");
        }
    }

    /** Per-layer sensitivities: b matters most. */
    static final Map<String, Double> WEIGHT = Map.of("a", 0.002, "b", 0.08, "c", 0.01);

    static double additive(Map<String, Integer> ranks) {
        double loss = 0;
        for (Map.Entry<String, Integer> e : ranks.entrySet()) {
            double gap = 1 - e.getValue() / 64.0;
            loss += WEIGHT.get(e.getKey()) * gap * gap;
        }
        return 1 - loss;
    }

    static long cost(RankSpace space, Map<String, Integer> ranks) {
        return CosineSearch.cost(space, ranks, CompressionTarget.Measure.PARAMS);
    }

    @Test
    void refinementSpendsTheBudgetWhereTheScoreNeedsItAndKeepsTheBetter() throws IOException {
        FakeSpace space = new FakeSpace();
        CompressionTarget target = CompressionTarget.params(0.5);
        List<Map<String, Integer>> scored = new ArrayList<>();
        GreedyRefinement.RankScore score =
                ranks -> {
                    scored.add(ranks);
                    return additive(ranks);
                };
        RefinementReport report =
                GreedyRefinement.refine(space, target, score, score, 1.0, "cosine", 4, 8);
        assertTrue(report.refinedKept(), report.toString());
        assertTrue(report.refinedScore() > report.startScore(), report.toString());
        assertEquals(additive(report.refinedRanks()), report.refinedScore(), 1e-15);
        assertTrue(
                report.refinedRanks().get("b") > report.startRanks().get("b"),
                "the sensitive layer gets more: " + report.refinedRanks());
        assertTrue(cost(space, report.refinedRanks()) <= (long) Math.floor(0.5 * 35_000));
        // At most three points per layer, the start, the refined: and every one counted.
        assertEquals(scored.size(), report.evaluations());
        assertTrue(report.evaluations() <= 3 * GreedyRefinement.POINTS + 2, report.toString());
        assertEquals(3, report.curves().size());
        for (RefinementReport.LayerCurve curve : report.curves()) {
            assertEquals(report.startRanks().get(curve.layer()), curve.startRank());
            assertTrue(curve.points().stream().anyMatch(p -> p.rank() == curve.startRank()));
        }
    }

    @Test
    void aRefinementThatMeasuresWorseIsNotKept() throws IOException {
        FakeSpace space = new FakeSpace();
        CompressionTarget target = CompressionTarget.params(0.5);
        Map<String, Integer> start = space.allocate(target);
        // The layers interact: the start's exact ranks score far above what the curves predict.
        GreedyRefinement.RankScore score =
                ranks -> additive(ranks) + (ranks.equals(start) ? 0.5 : 0);
        RefinementReport report =
                GreedyRefinement.refine(space, target, score, score, 1.0, "cosine", 4, 8);
        assertFalse(report.refinedKept(), report.toString());
        assertTrue(report.refinedScore() < report.startScore());
        assertEquals(start, report.keptRanks());
    }

    @Test
    void pointsAreOnTheMultipleAroundTheStart() {
        assertEquals(List.of(16, 32, 40), GreedyRefinement.points(32, 48, 8));
        assertEquals(List.of(16, 24, 48), GreedyRefinement.points(0, 48, 8));
        assertEquals(List.of(8), GreedyRefinement.points(8, 8, 8));
        assertEquals(List.of(), GreedyRefinement.points(0, 7, 8));
    }

    @Test
    void optionsInterpolateAMonotoneLossTowardsTheExactFullRank() {
        FakeSpace space = new FakeSpace();
        List<RefinementReport.Point> points =
                List.of(
                        new RefinementReport.Point(16, 0.90),
                        new RefinementReport.Point(32, 0.85), // noise: worse at a higher rank
                        new RefinementReport.Point(40, 0.99));
        List<MeasuredAllocation.Option> options =
                GreedyRefinement.options(
                        space,
                        space.layers().get(0),
                        points,
                        1.0,
                        CompressionTarget.Measure.PARAMS,
                        8);
        assertEquals(0, options.get(0).rank());
        assertEquals(0.0, options.get(0).loss());
        assertEquals(16, options.get(1).rank());
        assertEquals(0.10, options.get(1).loss(), 1e-12);
        assertEquals(0.10, options.get(2).loss(), 1e-12, "rank 24 between two equal losses");
        assertEquals(0.10, options.get(3).loss(), 1e-12, "rank 32 clamped to the lower rank's");
        assertEquals(0.01, options.get(4).loss(), 1e-12, "rank 40 measured");
        assertEquals(0.01 * (64 - 48) / 24.0, options.get(5).loss(), 1e-12, "towards 0 at 64");
        assertEquals(6, options.size());
        assertEquals(48, options.get(options.size() - 1).rank());
    }

    @Test
    void theSearchReturnsTheSmallestBudgetTriedThatMeetsTheCosine() throws IOException {
        FakeSpace space = new FakeSpace();
        CosineSearch.Found found =
                CosineSearch.search(
                        space,
                        0.99,
                        CompressionTarget.Measure.PARAMS,
                        GreedyRefinementTest::additive,
                        10);
        CosineSearchReport report = found.report();
        assertTrue(report.cosine() >= 0.99, report.toString());
        assertTrue(report.tried().size() <= CosineSearch.MAX_STEPS);
        assertEquals(found.target().fraction(), report.fraction());
        assertTrue(report.achieved() <= report.fraction());
        for (CosineSearchReport.Trial t : report.tried()) {
            assertEquals(t.fraction() >= report.fraction(), t.meets(), report.toString());
        }
        assertTrue(
                report.tried().stream()
                        .anyMatch(t -> !t.meets() && t.fraction() < report.fraction()),
                "a smaller budget was tried and failed: " + report);
        assertEquals(found.ranks(), space.allocate(found.target()));
    }

    @Test
    void noDecompositionReachingTheCosineIsAnError() {
        FakeSpace space = new FakeSpace();
        DecompositionException e =
                assertThrows(
                        DecompositionException.class,
                        () ->
                                CosineSearch.search(
                                        space,
                                        1.0,
                                        CompressionTarget.Measure.PARAMS,
                                        GreedyRefinementTest::additive,
                                        10));
        assertTrue(
                e.getMessage().startsWith("No decomposition reaches a mean output cosine of 1.0")
                        && e.getMessage().contains("10 calibration samples")
                        && e.getMessage().contains("Conv2d parameters"),
                e.getMessage());
    }

    @Test
    void theKnapsackMeetsTheBudgetOrSaysItCannot() {
        List<List<MeasuredAllocation.Option>> layers =
                List.of(
                        List.of(
                                new MeasuredAllocation.Option(0, 100, 0),
                                new MeasuredAllocation.Option(8, 40, 0.5),
                                new MeasuredAllocation.Option(16, 80, 0.1)),
                        List.of(
                                new MeasuredAllocation.Option(0, 100, 0),
                                new MeasuredAllocation.Option(8, 40, 0.05),
                                new MeasuredAllocation.Option(16, 80, 0.01)));
        int[] pick = MeasuredAllocation.allocate(layers, 120);
        assertEquals(16, layers.get(0).get(pick[0]).rank());
        assertEquals(8, layers.get(1).get(pick[1]).rank());
        assertEquals(null, MeasuredAllocation.allocate(layers, 79));
        int[] all = MeasuredAllocation.allocate(layers, 200);
        assertEquals(0, layers.get(0).get(all[0]).rank());
        assertEquals(0, layers.get(1).get(all[1]).rank());
    }
}
