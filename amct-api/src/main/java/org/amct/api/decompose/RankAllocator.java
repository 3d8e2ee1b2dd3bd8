package org.amct.api.decompose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The budget allocation of docs/design/ALGORITHM.md section 8. Each layer gets a rank from its
 * candidates (multiples of the rank multiple whose pair is cheaper than the layer, plus
 * "unchanged") so that the summed relative reconstruction error {@code sum over layers of
 * sum(s[r:]^2) / sum(s^2)} is as small as found, subject to the summed cost being at most the
 * budget, by {@link BudgetKnapsack} (a Lagrangian search, then a greedy fill). The budget is met
 * from below, as closely as the candidates allow.
 *
 * <p>The inputs are plain: any spectrum (the weights' own, or a whitened one computed from data)
 * and any linear cost (parameters or MACs). Pure and deterministic; ties go to the cheaper
 * candidate, then the earlier layer.
 */
public final class RankAllocator {
    private RankAllocator() {}

    /**
     * One layer to allocate.
     *
     * @param name the layer's name (a key of the result)
     * @param singularValues its spectrum, descending
     * @param cost its cost unchanged and per rank
     * @param maxRank the largest rank allowed (for example the largest whose pair has fewer weights
     *     than the layer); candidates are the multiples up to it that are cheaper than the layer
     */
    public record Layer(String name, double[] singularValues, LayerCost cost, int maxRank) {
        /**
         * Copies the spectrum.
         *
         * @param name the layer's name
         * @param singularValues its spectrum, descending
         * @param cost its cost
         * @param maxRank the largest rank allowed
         */
        public Layer {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(cost, "cost");
            singularValues = singularValues.clone();
        }
    }

    /**
     * The result.
     *
     * @param ranks by layer name, in input order; empty means "leave the layer unchanged"
     * @param cost the summed cost of the allocated layers
     * @param budget the budget it had
     * @param error the summed relative reconstruction error
     */
    public record Allocation(Map<String, OptionalInt> ranks, long cost, long budget, double error) {
        /**
         * Copies the map.
         *
         * @param ranks by layer name; empty means unchanged
         * @param cost the summed cost
         * @param budget the budget
         * @param error the summed relative error
         */
        public Allocation {
            ranks = Collections.unmodifiableMap(new LinkedHashMap<>(ranks));
        }
    }

    /**
     * Allocates ranks.
     *
     * @param layers the layers, each with its spectrum and cost
     * @param budget the most the layers may cost together
     * @param multiple the rank multiple, {@code >= 1}
     * @return the allocation
     * @throws BudgetTooSmall if even the cheapest candidates exceed the budget
     */
    public static Allocation allocate(List<Layer> layers, long budget, int multiple) {
        if (multiple < 1) {
            throw new IllegalArgumentException("multiple must be >= 1, got " + multiple);
        }
        List<Candidates> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.add(Candidates.of(layer, multiple));
        }
        long[][] costs = new long[all.size()][];
        double[][] errors = new double[all.size()][];
        for (int i = 0; i < all.size(); i++) {
            costs[i] = all.get(i).cost;
            errors[i] = all.get(i).error;
        }
        // Moves without gain are taken too: the budget is met as closely as the candidates allow.
        int[] pick = BudgetKnapsack.solve(costs, errors, budget, true);
        if (pick == null) {
            throw new BudgetTooSmall(budget, BudgetKnapsack.cheapest(costs), multiple);
        }
        Map<String, OptionalInt> ranks = new LinkedHashMap<>();
        long cost = 0;
        double error = 0;
        for (int i = 0; i < all.size(); i++) {
            Candidates c = all.get(i);
            int rank = c.rank[pick[i]];
            ranks.put(c.name, rank == 0 ? OptionalInt.empty() : OptionalInt.of(rank));
            cost += c.cost[pick[i]];
            error += c.error[pick[i]];
        }
        return new Allocation(ranks, cost, budget, error);
    }

    /** Even the cheapest candidate of every layer costs more than the budget. */
    public static final class BudgetTooSmall extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /** The budget given. */
        private final long budget;

        /** The smallest summed cost any allocation reaches. */
        private final long cheapest;

        BudgetTooSmall(long budget, long cheapest, int multiple) {
            super(
                    String.format(
                            Locale.ROOT,
                            "the budget of %,d cannot be met: the smallest ranks on the multiple of"
                                    + " %d cost %,d",
                            budget,
                            multiple,
                            cheapest));
            this.budget = budget;
            this.cheapest = cheapest;
        }

        /**
         * The budget given.
         *
         * @return the budget
         */
        public long budget() {
            return budget;
        }

        /**
         * The smallest summed cost reachable.
         *
         * @return the cost of the cheapest candidates
         */
        public long cheapest() {
            return cheapest;
        }
    }

    /** A layer's candidates: index 0 is "unchanged" (rank 0 here), then ranks ascending. */
    private static final class Candidates {
        final String name;
        final int[] rank;
        final long[] cost;
        final double[] error;

        private Candidates(String name, int[] rank, long[] cost, double[] error) {
            this.name = name;
            this.rank = rank;
            this.cost = cost;
            this.error = error;
        }

        static Candidates of(Layer layer, int multiple) {
            double[] s = layer.singularValues();
            double[] tail = new double[s.length + 1];
            for (int i = s.length - 1; i >= 0; i--) {
                tail[i] = tail[i + 1] + s[i] * s[i];
            }
            double total = tail[0];
            List<Integer> ranks = new ArrayList<>();
            ranks.add(0);
            int top = Math.min(layer.maxRank(), s.length);
            for (int r = multiple; r <= top; r += multiple) {
                if (layer.cost().after(r) < layer.cost().before()) {
                    ranks.add(r);
                }
            }
            int[] rank = ranks.stream().mapToInt(Integer::intValue).toArray();
            long[] cost = new long[rank.length];
            double[] error = new double[rank.length];
            for (int k = 0; k < rank.length; k++) {
                cost[k] = rank[k] == 0 ? layer.cost().before() : layer.cost().after(rank[k]);
                error[k] = rank[k] == 0 || total == 0 ? 0.0 : tail[rank[k]] / total;
            }
            return new Candidates(layer.name(), rank, cost, error);
        }

        int size() {
            return rank.length;
        }

        @Override
        public String toString() {
            return name + Arrays.toString(rank);
        }
    }
}
