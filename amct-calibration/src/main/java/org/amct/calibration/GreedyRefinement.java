package org.amct.calibration;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.amct.api.CompressionTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end refinement of a budget's allocation (AIMET's greedy selection, on measured
 * curves): per allocated layer, the model with only that layer decomposed is scored at a few ranks
 * around its start rank (at most {@link #POINTS} each); the loss of score against the original,
 * made non-increasing in the rank and interpolated linearly between the points (down to 0 at the
 * layer's full rank, which is exact), gives every rank on the multiple from the lowest point up to
 * the layer's largest a predicted loss; the budget is then allocated to minimise the summed
 * predicted loss ({@link MeasuredAllocation}); and the result is scored end to end and kept only if
 * it scores higher than the start.
 *
 * <p>Models scored: at most {@code POINTS} per allocated layer, plus the start, plus the refined
 * allocation (when it differs from the start), plus the original once for a caller's score (a
 * cosine's is 1 by definition).
 */
final class GreedyRefinement {
    /** The score of the model at given ranks of the allocated layers (the others unchanged). */
    @FunctionalInterface
    interface RankScore {
        double score(Map<String, Integer> ranks) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(GreedyRefinement.class);

    /** The most ranks scored per layer. */
    static final int POINTS = 3;

    private GreedyRefinement() {}

    /**
     * Refines.
     *
     * @param space the plan
     * @param target the budget
     * @param curveScore the score of the per-layer points (a cheap one: fewer samples)
     * @param finalScore the score of the start and the refined allocation
     * @param original the original's score under {@code curveScore}
     * @param scoreName {@code "cosine"} or {@code "callback"}
     * @param curveSamples the samples of {@code curveScore}, for the report
     * @param samples the samples of {@code finalScore}, for the report
     * @return the report; the kept ranks are {@link RefinementReport#keptRanks()}
     */
    static RefinementReport refine(
            RankSpace space,
            CompressionTarget target,
            RankScore curveScore,
            RankScore finalScore,
            double original,
            String scoreName,
            long curveSamples,
            long samples)
            throws IOException {
        long begin = System.nanoTime();
        CompressionTarget.Measure measure = target.measure();
        long limit = (long) Math.floor(target.fraction() * space.before(measure));
        long budget = limit - space.fixedAfter(measure);
        Map<String, Integer> start = space.allocate(target);
        int evaluations = 0;
        double startScore = checked(finalScore.score(start), "start");
        evaluations++;
        List<RefinementReport.LayerCurve> curves = new ArrayList<>();
        List<List<MeasuredAllocation.Option>> options = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int multiple = space.rankMultiple();
        for (RankSpace.Layer layer : space.layers()) {
            int startRank = start.getOrDefault(layer.name(), 0);
            List<Integer> ranks = points(startRank, layer.maxRank(), multiple);
            List<RefinementReport.Point> points = new ArrayList<>();
            for (int rank : ranks) {
                double score =
                        checked(
                                curveScore.score(Map.of(layer.name(), rank)),
                                layer.name() + " at rank " + rank);
                evaluations++;
                points.add(new RefinementReport.Point(rank, score));
            }
            curves.add(new RefinementReport.LayerCurve(layer.name(), startRank, points));
            names.add(layer.name());
            options.add(options(space, layer, points, original, measure, multiple));
        }
        int[] pick = MeasuredAllocation.allocate(options, budget);
        Map<String, Integer> refined = new LinkedHashMap<>();
        if (pick != null) {
            for (int i = 0; i < names.size(); i++) {
                int rank = options.get(i).get(pick[i]).rank();
                if (rank > 0) {
                    refined.put(names.get(i), rank);
                }
            }
        } else {
            refined.putAll(start);
        }
        double refinedScore = startScore;
        if (!refined.equals(start)) {
            refinedScore = checked(finalScore.score(refined), "refined");
            evaluations++;
        }
        boolean kept = refinedScore > startScore;
        double seconds = (System.nanoTime() - begin) / 1e9;
        LOG.info(
                "Refinement of {}: start {} -> refined {} ({}), {} models scored in {} s",
                target,
                startScore,
                refinedScore,
                kept ? "kept" : "start kept",
                evaluations,
                seconds);
        return new RefinementReport(
                scoreName,
                startScore,
                refinedScore,
                kept,
                start,
                refined,
                curveSamples,
                samples,
                evaluations,
                seconds,
                curves);
    }

    private static double checked(double score, String what) {
        if (!Double.isFinite(score)) {
            throw new IllegalStateException(
                    "The score of the " + what + " model is " + score + "; a score must be finite");
        }
        return score;
    }

    /**
     * The ranks scored for a layer: half its start rank, the start rank and halfway from it to the
     * largest; for a layer the start leaves unchanged, a quarter, half and all of the largest. On
     * the multiple, within {@code [multiple, max]}, without repeats, ascending.
     */
    static List<Integer> points(int start, int max, int multiple) {
        if (max < multiple) {
            return List.of();
        }
        double[] wanted =
                start > 0
                        ? new double[] {start / 2.0, start, (start + max) / 2.0}
                        : new double[] {max / 4.0, max / 2.0, max};
        java.util.TreeSet<Integer> ranks = new java.util.TreeSet<>();
        for (double w : wanted) {
            long r = Math.round(w / multiple) * multiple;
            ranks.add((int) Math.max(multiple, Math.min(r, (long) max / multiple * multiple)));
        }
        return List.copyOf(ranks);
    }

    /**
     * A layer's options: unchanged, then every rank on the multiple from the lowest point to the
     * largest, with the loss interpolated between the points (made non-increasing in the rank) and
     * towards 0 at the full rank.
     */
    static List<MeasuredAllocation.Option> options(
            RankSpace space,
            RankSpace.Layer layer,
            List<RefinementReport.Point> points,
            double original,
            CompressionTarget.Measure measure,
            int multiple) {
        List<MeasuredAllocation.Option> out = new ArrayList<>();
        out.add(new MeasuredAllocation.Option(0, space.cost(layer.name(), 0, measure), 0.0));
        if (points.isEmpty()) {
            return out;
        }
        TreeMap<Integer, Double> loss = new TreeMap<>();
        double running = Double.POSITIVE_INFINITY;
        for (RefinementReport.Point p : points) {
            running = Math.min(running, original - p.score());
            loss.put(p.rank(), running);
        }
        int full = Math.max(layer.fullRank(), loss.lastKey());
        if (!loss.containsKey(full)) {
            loss.put(full, Math.min(0.0, running));
        }
        for (int r = loss.firstKey(); r <= layer.maxRank(); r += multiple) {
            out.add(
                    new MeasuredAllocation.Option(
                            r, space.cost(layer.name(), r, measure), interpolate(loss, r)));
        }
        return out;
    }

    private static double interpolate(TreeMap<Integer, Double> curve, int rank) {
        Map.Entry<Integer, Double> low = curve.floorEntry(rank);
        Map.Entry<Integer, Double> high = curve.ceilingEntry(rank);
        if (low.getKey() == rank || high == null) {
            return low.getValue();
        }
        double t = (double) (rank - low.getKey()) / (high.getKey() - low.getKey());
        return low.getValue() + t * (high.getValue() - low.getValue());
    }
}
