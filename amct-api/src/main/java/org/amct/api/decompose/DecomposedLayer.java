package org.amct.api.decompose;

import org.amct.api.graph.Conv2d;

/**
 * One layer after decomposition: the two new convs and the numbers behind them.
 *
 * @param unfolding the unfolding that was factorized (mode and shape)
 * @param first the first new conv
 * @param last the last new conv
 * @param rankChoice how the rank was chosen
 * @param singularValues all singular values of the factorized matrix, descending: of the unfolding,
 *     or of the whitened unfolding when {@code whitenedSpectrum}
 * @param whitenedSpectrum whether the factorized matrix was the whitened unfolding (the rank was
 *     chosen on that spectrum and the factors are data-aware)
 * @param relativeError {@code ||W - W'|| / ||W||} of the float64 factors
 * @param storedError {@code ||W - W'|| / ||W||} of the factors as stored in the layer's dtype
 *     (rounded, and clamped to its finite range); equal to {@code relativeError} for float64
 * @param clampedElements how many factor elements lay beyond the dtype's finite range and were
 *     stored as its largest finite value (0 for float64)
 * @param seconds wall time spent on the layer
 */
public record DecomposedLayer(
        Unfolding unfolding,
        Conv2d first,
        Conv2d last,
        RankChoice rankChoice,
        double[] singularValues,
        boolean whitenedSpectrum,
        double relativeError,
        double storedError,
        long clampedElements,
        double seconds) {}
