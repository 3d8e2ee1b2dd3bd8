package org.amct.calibration;

import java.util.List;
import java.util.Map;
import org.amct.api.CompressionTarget;
import org.amct.api.DecompositionResult;

/**
 * What the refinement and the cosine search need of a decomposition plan: the layers a budget
 * allocates, what each costs at a rank, the plan's own allocation for a budget, and a model built
 * at given ranks (cheaply and repeatably: the factorizations are kept).
 */
interface RankSpace {
    /**
     * One allocated layer.
     *
     * @param name the layer's name
     * @param maxRank the largest rank a budget may give it (its pair is then still cheaper than the
     *     layer in parameters)
     * @param fullRank its number of singular values: at this rank the pair is exact
     */
    record Layer(String name, int maxRank, int fullRank) {}

    /**
     * The layers a budget allocates, in model order.
     *
     * @return the layers
     */
    List<Layer> layers();

    /**
     * The rank multiple.
     *
     * @return {@code >= 1}
     */
    int rankMultiple();

    /**
     * What an allocated layer costs.
     *
     * @param layer its name
     * @param rank its rank, 0 for unchanged
     * @param measure parameters or MACs
     * @return the cost
     */
    long cost(String layer, int rank, CompressionTarget.Measure measure);

    /**
     * The measure summed over every Conv2d layer of the model, before.
     *
     * @param measure parameters or MACs
     * @return the total
     */
    long before(CompressionTarget.Measure measure);

    /**
     * The measure summed over the Conv2d layers the budget does not allocate, after (those
     * unchanged, and those with a rank of their own).
     *
     * @param measure parameters or MACs
     * @return the fixed part
     */
    long fixedAfter(CompressionTarget.Measure measure);

    /**
     * The plan's allocation for a budget.
     *
     * @param target the budget
     * @return the rank per allocated layer that it decomposes; the others stay unchanged
     * @throws org.amct.api.exception.DecompositionException if the budget cannot be met
     */
    Map<String, Integer> allocate(CompressionTarget target);

    /**
     * The model at given ranks.
     *
     * @param ranks a rank per allocated layer to decompose; the others unchanged
     * @return the decomposition (without a target report)
     */
    DecompositionResult build(Map<String, Integer> ranks);

    /**
     * The chosen model, built as the options ask: the decomposition-info file written when one was
     * asked for, progress reported.
     *
     * @param ranks a rank per allocated layer to decompose; the others unchanged
     * @return the decomposition (without a target report)
     */
    DecompositionResult finish(Map<String, Integer> ranks);
}
