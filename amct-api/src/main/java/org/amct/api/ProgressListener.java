package org.amct.api;

import java.util.Map;

/**
 * Told how the decomposition progresses, from the thread doing the work: once with the plan, then
 * when each layer starts and when it is done. Implementations must be quick and thread-safe; only
 * {@link #layerDone} must be implemented.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that does nothing. */
    ProgressListener NONE = (done, total, layer) -> {};

    /**
     * Before the first layer starts: every layer that will be factorized, in model order, with its
     * share of the work, so that an estimate can weigh layers by size rather than count them.
     *
     * @param work each layer's dotted name mapped to its share of the work, from the size of its
     *     {@code n x m} unfolded matrix ({@code n * n * m} for the factorization, plus terms for
     *     the rest): a relative weight, not a unit
     */
    default void planned(Map<String, Long> work) {}

    /**
     * A layer starts (several may be in progress when layers run in parallel).
     *
     * @param layer the layer's dotted name
     */
    default void layerStarted(String layer) {}

    /**
     * A layer is done.
     *
     * @param done how many eligible layers are done, this one included
     * @param total how many eligible layers there are
     * @param layer the layer's dotted name
     */
    void layerDone(int done, int total, String layer);
}
