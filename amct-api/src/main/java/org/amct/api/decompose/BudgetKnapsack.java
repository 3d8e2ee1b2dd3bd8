package org.amct.api.decompose;

/**
 * The multiple-choice knapsack under every budget allocation (docs/design/ALGORITHM.md section 8):
 * pick one option per layer, each with a cost and a loss, so that the summed loss is as small as
 * found while the summed cost stays within the budget. A Lagrangian search (bisection on the price
 * of cost) gives a feasible pick; a greedy fill then spends what is left, always on the move with
 * the best loss decrease per unit of cost that still fits, until none fits. Ties go to the cheaper
 * option, then the earlier layer. Used on spectra ({@link RankAllocator}) and on losses measured
 * end to end (the calibration module's refinement).
 *
 * <p>Pure and deterministic.
 */
public final class BudgetKnapsack {
    private static final int BISECTION_STEPS = 200;

    private BudgetKnapsack() {}

    /**
     * Picks an option per layer.
     *
     * @param cost per layer, the cost of each option; none empty
     * @param loss per layer, the loss of each option, finite, indexed like {@code cost}
     * @param budget the most the picks may cost together
     * @param movesWithoutGain whether the fill also takes moves that cost more and lose no less (to
     *     meet the budget as closely as the options allow), or only moves that lower the loss
     * @return the index of the pick in each layer's options, or null when even the cheapest options
     *     exceed the budget
     */
    public static int[] solve(
            long[][] cost, double[][] loss, long budget, boolean movesWithoutGain) {
        int[] pick = new int[cost.length];
        for (int i = 0; i < cost.length; i++) {
            pick[i] = cheapest(cost[i]);
        }
        if (total(cost, pick) > budget) {
            return null;
        }
        lagrangian(cost, loss, budget, pick);
        fill(cost, loss, budget, pick, movesWithoutGain);
        return pick;
    }

    /**
     * The smallest summed cost any pick reaches.
     *
     * @param cost per layer, the cost of each option; none empty
     * @return the sum of each layer's cheapest option
     */
    public static long cheapest(long[][] cost) {
        long sum = 0;
        for (long[] options : cost) {
            sum += options[cheapest(options)];
        }
        return sum;
    }

    /**
     * The summed cost of a pick.
     *
     * @param cost per layer, the cost of each option
     * @param pick the index of each layer's option
     * @return the sum
     */
    public static long total(long[][] cost, int[] pick) {
        long sum = 0;
        for (int i = 0; i < cost.length; i++) {
            sum += cost[i][pick[i]];
        }
        return sum;
    }

    private static int cheapest(long[] options) {
        int best = 0;
        for (int k = 1; k < options.length; k++) {
            if (options[k] < options[best]) {
                best = k;
            }
        }
        return best;
    }

    /** The feasible minimiser of {@code loss + lambda * cost} with the smallest price found. */
    private static void lagrangian(long[][] cost, double[][] loss, long budget, int[] pick) {
        double scale = Math.max(1.0, budget);
        double low = 0;
        double high = 1;
        int[] trial = new int[pick.length];
        while (total(cost, choose(cost, loss, high / scale, trial)) > budget && high < 1e300) {
            high *= 2;
        }
        int[] best = choose(cost, loss, high / scale, new int[pick.length]);
        if (total(cost, best) > budget) {
            return; // keep the cheapest pick already in pick
        }
        for (int step = 0; step < BISECTION_STEPS; step++) {
            double mid = (low + high) / 2;
            choose(cost, loss, mid / scale, trial);
            if (total(cost, trial) <= budget) {
                high = mid;
                System.arraycopy(trial, 0, best, 0, best.length);
            } else {
                low = mid;
            }
        }
        System.arraycopy(best, 0, pick, 0, pick.length);
    }

    private static int[] choose(long[][] cost, double[][] loss, double price, int[] into) {
        for (int i = 0; i < cost.length; i++) {
            int best = -1;
            double bestValue = Double.POSITIVE_INFINITY;
            for (int k = 0; k < cost[i].length; k++) {
                double value = loss[i][k] + price * cost[i][k];
                if (value < bestValue
                        || (value == bestValue && best >= 0 && cost[i][k] < cost[i][best])) {
                    best = k;
                    bestValue = value;
                }
            }
            into[i] = best;
        }
        return into;
    }

    /** Spends the slack on the best loss decrease per unit of cost that fits, until none fits. */
    private static void fill(
            long[][] cost, double[][] loss, long budget, int[] pick, boolean movesWithoutGain) {
        long slack = budget - total(cost, pick);
        double floor = movesWithoutGain ? -1 : 0;
        while (true) {
            int bestLayer = -1;
            int bestOption = -1;
            double bestRate = floor;
            long bestExtra = 0;
            for (int i = 0; i < cost.length; i++) {
                int now = pick[i];
                for (int k = 0; k < cost[i].length; k++) {
                    long extra = cost[i][k] - cost[i][now];
                    double gain = loss[i][now] - loss[i][k];
                    if (extra <= 0
                            || extra > slack
                            || gain < 0
                            || (gain == 0 && !movesWithoutGain)) {
                        continue;
                    }
                    double rate = gain / extra;
                    if (rate > bestRate || (rate == bestRate && extra < bestExtra)) {
                        bestRate = rate;
                        bestLayer = i;
                        bestOption = k;
                        bestExtra = extra;
                    }
                }
            }
            if (bestLayer < 0) {
                return;
            }
            pick[bestLayer] = bestOption;
            slack -= bestExtra;
        }
    }
}
