package org.amct.calibration;

import java.util.Objects;
import java.util.Optional;
import org.amct.api.DecompositionResult;

/**
 * What {@link CalibratedDecomposition#run()} returns.
 *
 * @param result the decomposition kept (with its target report when a budget or a target cosine
 *     chose the ranks)
 * @param statistics the input-patch statistics the data-aware factors used, when data-aware
 * @param refinement how the end-to-end refinement went, when it ran
 * @param search how the target cosine was searched, when one was asked for
 */
public record CalibratedResult(
        DecompositionResult result,
        Optional<PatchStatistics> statistics,
        Optional<RefinementReport> refinement,
        Optional<CosineSearchReport> search) {
    /**
     * Checks the parts.
     *
     * @param result the decomposition kept
     * @param statistics the statistics, when data-aware
     * @param refinement the refinement, when it ran
     * @param search the target-cosine search, when asked for
     */
    public CalibratedResult {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(statistics, "statistics");
        Objects.requireNonNull(refinement, "refinement");
        Objects.requireNonNull(search, "search");
    }
}
