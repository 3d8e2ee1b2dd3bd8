package org.amct.calibration;

import java.util.List;

/**
 * Chooses one option per layer (a rank, or unchanged) to minimise the summed measured loss subject
 * to a budget on the summed cost: the multiple-choice knapsack behind the refinement, solved as the
 * rank allocator does for spectra (a Lagrangian price found by bisection, then a greedy fill of
 * what the price leaves unspent). Ties go to the cheaper option, then the earlier layer.
 */
final class MeasuredAllocation {
    private static final int BISECTION_STEPS = 100;

    private MeasuredAllocation() {}

    /**
     * One option of a layer.
     *
     * @param rank the rank, 0 for unchanged
     * @param cost its cost
     * @param loss its measured (or interpolated) loss of score, 0 for unchanged
     */
    record Option(int rank, long cost, double loss) {}

    /**
     * Picks an option per layer.
     *
     * @param layers each layer's options, none empty
     * @param budget the most the picks may cost together
     * @return the index of the pick in each layer's options, or null when even the cheapest options
     *     exceed the budget
     */
    static int[] allocate(List<List<Option>> layers, long budget) {
        int[] pick = new int[layers.size()];
        long cheapest = 0;
        for (int i = 0; i < layers.size(); i++) {
            pick[i] = cheapest(layers.get(i));
            cheapest += layers.get(i).get(pick[i]).cost();
        }
        if (cheapest > budget) {
            return null;
        }
        double high = 1;
        int[] trial = new int[pick.length];
        double scale = Math.max(1.0, budget);
        while (cost(layers, choose(layers, high / scale, trial)) > budget && high < 1e300) {
            high *= 2;
        }
        if (cost(layers, choose(layers, high / scale, trial)) <= budget) {
            int[] best = trial.clone();
            double low = 0;
            for (int step = 0; step < BISECTION_STEPS; step++) {
                double mid = (low + high) / 2;
                choose(layers, mid / scale, trial);
                if (cost(layers, trial) <= budget) {
                    high = mid;
                    System.arraycopy(trial, 0, best, 0, best.length);
                } else {
                    low = mid;
                }
            }
            pick = best;
        }
        fill(layers, budget, pick);
        return pick;
    }

    private static int cheapest(List<Option> options) {
        int best = 0;
        for (int k = 1; k < options.size(); k++) {
            if (options.get(k).cost() < options.get(best).cost()) {
                best = k;
            }
        }
        return best;
    }

    private static int[] choose(List<List<Option>> layers, double price, int[] into) {
        for (int i = 0; i < layers.size(); i++) {
            List<Option> options = layers.get(i);
            int best = 0;
            double bestValue = Double.POSITIVE_INFINITY;
            for (int k = 0; k < options.size(); k++) {
                Option o = options.get(k);
                double value = o.loss() + price * o.cost();
                if (value < bestValue
                        || (value == bestValue && o.cost() < options.get(best).cost())) {
                    best = k;
                    bestValue = value;
                }
            }
            into[i] = best;
        }
        return into;
    }

    static long cost(List<List<Option>> layers, int[] pick) {
        long sum = 0;
        for (int i = 0; i < layers.size(); i++) {
            sum += layers.get(i).get(pick[i]).cost();
        }
        return sum;
    }

    /** Spends the slack on the best loss decrease per unit of cost that fits, until none fits. */
    private static void fill(List<List<Option>> layers, long budget, int[] pick) {
        long slack = budget - cost(layers, pick);
        while (true) {
            int bestLayer = -1;
            int bestOption = -1;
            double bestRate = 0;
            long bestExtra = 0;
            for (int i = 0; i < layers.size(); i++) {
                List<Option> options = layers.get(i);
                Option now = options.get(pick[i]);
                for (int k = 0; k < options.size(); k++) {
                    long extra = options.get(k).cost() - now.cost();
                    double gain = now.loss() - options.get(k).loss();
                    if (extra <= 0 || extra > slack || gain <= 0) {
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
