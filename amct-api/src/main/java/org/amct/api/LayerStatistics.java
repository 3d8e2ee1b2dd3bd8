package org.amct.api;

import java.util.Optional;
import org.amct.api.graph.Conv2d;

/**
 * Calibration statistics per layer, for data-aware factors ({@link DataAwareFactors}). The
 * calibration module ({@code org.amct.calibration}) measures them with ONNX Runtime; a program can
 * also supply its own, measured with its own inference engine.
 *
 * <p>Called from the threads that decompose layers, possibly at once: implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface LayerStatistics {
    /**
     * The input-patch second moment of one eligible layer.
     *
     * @param layer the layer's dotted name
     * @param conv the layer; the moments must have {@link PatchLayout#size(Conv2d)} rows
     * @return the moments, or empty to give this layer the reference (weight-space) factors
     */
    Optional<PatchMoments> moments(String layer, Conv2d conv);
}
