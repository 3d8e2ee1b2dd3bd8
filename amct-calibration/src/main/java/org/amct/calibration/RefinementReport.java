package org.amct.calibration;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the end-to-end refinement of a budget's allocation measured and decided.
 *
 * @param score what was measured: {@code "cosine"} (the mean output cosine to the original) or
 *     {@code "callback"} (the caller's {@link CandidateScore})
 * @param startScore the start allocation's score (the plan's allocation on the spectra)
 * @param refinedScore the refined allocation's score; equal to {@code startScore} when the
 *     refinement chose the start's ranks again (not evaluated twice)
 * @param refinedKept whether the refined allocation was kept: only when it scored higher
 * @param startRanks the start allocation: rank per decomposed allocated layer
 * @param refinedRanks the refined allocation
 * @param curveSamples the samples each per-layer point was scored on (0 with a callback: its own
 *     data)
 * @param samples the samples the start and the refined allocation were scored on (0 with a
 *     callback)
 * @param evaluations how many models were scored in all
 * @param seconds the refinement's time, the scoring included
 * @param curves per allocated layer, the score with only that layer decomposed, at each rank tried
 */
public record RefinementReport(
        String score,
        double startScore,
        double refinedScore,
        boolean refinedKept,
        Map<String, Integer> startRanks,
        Map<String, Integer> refinedRanks,
        long curveSamples,
        long samples,
        int evaluations,
        double seconds,
        List<LayerCurve> curves) {
    /**
     * Copies the collections.
     *
     * @param score what was measured
     * @param startScore the start allocation's score
     * @param refinedScore the refined allocation's score
     * @param refinedKept whether the refined allocation was kept
     * @param startRanks the start allocation
     * @param refinedRanks the refined allocation
     * @param curveSamples the samples of each per-layer point
     * @param samples the samples of the start and refined scores
     * @param evaluations models scored
     * @param seconds time taken
     * @param curves the per-layer points
     */
    public RefinementReport {
        Objects.requireNonNull(score, "score");
        startRanks = Collections.unmodifiableMap(new LinkedHashMap<>(startRanks));
        refinedRanks = Collections.unmodifiableMap(new LinkedHashMap<>(refinedRanks));
        curves = List.copyOf(curves);
    }

    /**
     * The ranks kept.
     *
     * @return {@link #refinedRanks()} when kept, else {@link #startRanks()}
     */
    public Map<String, Integer> keptRanks() {
        return refinedKept ? refinedRanks : startRanks;
    }

    /**
     * One layer's measured points.
     *
     * @param layer the layer's name
     * @param startRank its rank in the start allocation, 0 when left unchanged there
     * @param points the ranks tried, ascending, each with the score of the model in which only this
     *     layer is decomposed at that rank
     */
    public record LayerCurve(String layer, int startRank, List<Point> points) {
        /**
         * Copies the points.
         *
         * @param layer the layer's name
         * @param startRank its start rank, 0 when unchanged
         * @param points the ranks tried with their scores
         */
        public LayerCurve {
            Objects.requireNonNull(layer, "layer");
            points = List.copyOf(points);
        }
    }

    /**
     * One measured point.
     *
     * @param rank the rank
     * @param score the score
     */
    public record Point(int rank, double score) {}
}
