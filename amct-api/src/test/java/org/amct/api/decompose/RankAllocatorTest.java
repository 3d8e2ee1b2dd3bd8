package org.amct.api.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The budget allocation on plain spectra and costs (no model, no backend). */
class RankAllocatorTest {
    /** A spectrum decaying like {@code decay^i}. */
    private static double[] decaying(int n, double decay) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.pow(decay, i);
        }
        return s;
    }

    private static double error(double[] s, int rank) {
        double tail = 0;
        double total = 0;
        for (int i = 0; i < s.length; i++) {
            total += s[i] * s[i];
            tail += i >= rank ? s[i] * s[i] : 0;
        }
        return tail / total;
    }

    @Test
    void rankGoesWhereItBuysTheMostError() {
        // Same shape, same cost: a fast-decaying layer needs little rank, a flat one much.
        LayerCost cost = new LayerCost(64 * 64, 0, 128);
        RankAllocator.Layer fast = new RankAllocator.Layer("fast", decaying(64, 0.5), cost, 31);
        RankAllocator.Layer flat = new RankAllocator.Layer("flat", decaying(64, 0.99), cost, 31);
        RankAllocator.Allocation a = RankAllocator.allocate(List.of(fast, flat), 4096, 4);
        assertTrue(a.cost() <= 4096);
        int fastRank = a.ranks().get("fast").orElse(64);
        int flatRank = a.ranks().get("flat").orElse(64);
        assertTrue(flatRank > fastRank, a.toString());
        assertEquals(
                a.error(),
                error(fast.singularValues(), fastRank) + error(flat.singularValues(), flatRank),
                1e-12);
    }

    @Test
    void unchangedIsACandidateWhenTheBudgetAllowsIt() {
        LayerCost small = new LayerCost(1000, 0, 100); // rank 8 costs 800 of 1000
        LayerCost big = new LayerCost(100_000, 0, 1000);
        RankAllocator.Layer a = new RankAllocator.Layer("a", decaying(16, 0.9), small, 9);
        RankAllocator.Layer b = new RankAllocator.Layer("b", decaying(100, 0.97), big, 99);
        RankAllocator.Allocation allocation =
                RankAllocator.allocate(List.of(a, b), 1000 + 40_000, 8);
        assertEquals(OptionalInt.empty(), allocation.ranks().get("a"), allocation.toString());
        assertEquals(40, allocation.ranks().get("b").getAsInt());
        assertEquals(41_000, allocation.cost());
    }

    @Test
    void theBudgetIsMetFromBelowWithinOneStepAndNearTheBestAllocation() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 30; trial++) {
            List<RankAllocator.Layer> layers = new ArrayList<>();
            long before = 0;
            int multiple = 4;
            for (int i = 0; i < 3; i++) {
                int n = 8 + 4 * random.nextInt(4);
                int m = n * (1 + random.nextInt(3));
                LayerCost cost = new LayerCost((long) n * m, random.nextInt(10), n + m);
                before += cost.before();
                int maxRank = (int) Math.min(n, ((long) n * m - 1) / (n + m));
                layers.add(
                        new RankAllocator.Layer(
                                "l" + i,
                                decaying(n, 0.6 + 0.39 * random.nextDouble()),
                                cost,
                                maxRank));
            }
            long budget = (long) (before * (0.3 + 0.5 * random.nextDouble()));
            RankAllocator.Allocation found;
            try {
                found = RankAllocator.allocate(layers, budget, multiple);
            } catch (RankAllocator.BudgetTooSmall e) {
                assertTrue(e.cheapest() > budget);
                continue;
            }
            assertTrue(found.cost() <= budget, found.toString());
            double best = bruteForce(layers, budget, multiple);
            assertTrue(found.error() <= best + 0.05, found + " vs best " + best);
            // No single move up of one layer still fits the slack.
            for (RankAllocator.Layer layer : layers) {
                OptionalInt rank = found.ranks().get(layer.name());
                if (rank.isPresent()) {
                    int next = rank.getAsInt() + multiple;
                    long extra =
                            next <= layer.maxRank()
                                            && layer.cost().after(next) < layer.cost().before()
                                    ? layer.cost().after(next) - layer.cost().after(rank.getAsInt())
                                    : layer.cost().before() - layer.cost().after(rank.getAsInt());
                    assertTrue(
                            extra > budget - found.cost()
                                    || error(layer.singularValues(), next)
                                            >= error(layer.singularValues(), rank.getAsInt()),
                            layer.name() + " could still grow: " + found);
                }
            }
        }
    }

    /** The best summed error over all combinations of candidates. */
    private static double bruteForce(List<RankAllocator.Layer> layers, long budget, int multiple) {
        return search(layers, 0, budget, multiple);
    }

    private static double search(
            List<RankAllocator.Layer> layers, int index, long left, int multiple) {
        if (index == layers.size()) {
            return 0;
        }
        RankAllocator.Layer layer = layers.get(index);
        double best = Double.POSITIVE_INFINITY;
        if (layer.cost().before() <= left) {
            best = search(layers, index + 1, left - layer.cost().before(), multiple);
        }
        for (int r = multiple; r <= layer.maxRank(); r += multiple) {
            long cost = layer.cost().after(r);
            if (cost < layer.cost().before() && cost <= left) {
                best =
                        Math.min(
                                best,
                                error(layer.singularValues(), r)
                                        + search(layers, index + 1, left - cost, multiple));
            }
        }
        return best;
    }

    @Test
    void aBudgetBelowTheSmallestRanksSaysWhatTheyCost() {
        LayerCost cost = new LayerCost(10_000, 10, 200);
        RankAllocator.Layer layer = new RankAllocator.Layer("x", decaying(40, 0.9), cost, 40);
        RankAllocator.BudgetTooSmall e =
                assertThrows(
                        RankAllocator.BudgetTooSmall.class,
                        () -> RankAllocator.allocate(List.of(layer), 3000, 16));
        assertEquals(3210, e.cheapest());
        assertTrue(e.getMessage().contains("3,210"), e.getMessage());
    }
}
