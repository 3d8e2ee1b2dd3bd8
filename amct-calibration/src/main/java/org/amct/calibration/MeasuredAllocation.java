package org.amct.calibration;

import java.util.List;
import org.amct.api.decompose.BudgetKnapsack;

/**
 * Chooses one option per layer (a rank, or unchanged) to minimise the summed measured loss subject
 * to a budget on the summed cost: the multiple-choice knapsack behind the refinement, solved by the
 * same {@link BudgetKnapsack} as the rank allocation on spectra. Ties go to the cheaper option,
 * then the earlier layer.
 */
final class MeasuredAllocation {
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
        long[][] costs = new long[layers.size()][];
        double[][] losses = new double[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            List<Option> options = layers.get(i);
            costs[i] = options.stream().mapToLong(Option::cost).toArray();
            losses[i] = options.stream().mapToDouble(Option::loss).toArray();
        }
        // Only moves that lower the measured loss: spending budget on none buys nothing here.
        return BudgetKnapsack.solve(costs, losses, budget, false);
    }
}
