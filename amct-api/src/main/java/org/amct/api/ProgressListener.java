package org.amct.api;

/**
 * Told when a layer has been processed, from the thread that processed it. Implementations must be
 * quick and thread-safe.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that does nothing. */
    ProgressListener NONE = (done, total, layer) -> {};

    /**
     * A layer is done.
     *
     * @param done how many eligible layers are done, this one included
     * @param total how many eligible layers there are
     * @param layer the layer's dotted name
     */
    void layerDone(int done, int total, String layer);
}
