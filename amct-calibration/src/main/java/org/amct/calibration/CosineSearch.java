package org.amct.calibration;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amct.api.CompressionTarget;
import org.amct.api.exception.DecompositionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The smallest model whose mean output cosine on the calibration samples reaches a target: a
 * bisection on the budget fraction, each budget allocated by the plan and its model scored end to
 * end. The bisection starts from {@code (0, 1]}: the whole model (fraction 1) is the original and
 * meets any target; it stops when the bracket is narrower than {@link #RESOLUTION}, so it scores at
 * most {@link #MAX_STEPS} models. It assumes the cosine grows with the budget, and returns the
 * smallest budget tried that met the target.
 */
final class CosineSearch {
    private static final Logger LOG = LoggerFactory.getLogger(CosineSearch.class);

    /** The bracket width at which the search stops: 1/128 of the model. */
    static final double RESOLUTION = 1.0 / 128;

    /** The most models scored. */
    static final int MAX_STEPS = 7;

    private CosineSearch() {}

    /** What the search chose. */
    record Found(Map<String, Integer> ranks, CompressionTarget target, CosineSearchReport report) {}

    static Found search(
            RankSpace space,
            double targetCosine,
            CompressionTarget.Measure measure,
            GreedyRefinement.RankScore score,
            long samples)
            throws IOException {
        long begin = System.nanoTime();
        double low = 0;
        double high = 1;
        Map<String, Integer> best = null;
        CompressionTarget bestTarget = null;
        double bestCosine = Double.NaN;
        double bestAchieved = Double.NaN;
        List<CosineSearchReport.Trial> tried = new ArrayList<>();
        long before = space.before(measure);
        for (int step = 0; step < MAX_STEPS && high - low > RESOLUTION; step++) {
            double fraction = (low + high) / 2;
            CompressionTarget target = new CompressionTarget(measure, fraction);
            Map<String, Integer> ranks;
            try {
                ranks = space.allocate(target);
            } catch (DecompositionException e) {
                LOG.debug("{} cannot be met: {}", target, e.getMessage());
                tried.add(new CosineSearchReport.Trial(fraction, Double.NaN, Double.NaN, false));
                low = fraction;
                continue;
            }
            double achieved = (double) cost(space, ranks, measure) / Math.max(1, before);
            double cosine = score.score(ranks);
            boolean meets = cosine >= targetCosine;
            tried.add(new CosineSearchReport.Trial(fraction, achieved, cosine, meets));
            LOG.info("{}: mean cosine {} ({})", target, cosine, meets ? "meets" : "below");
            if (meets) {
                high = fraction;
                best = ranks;
                bestTarget = target;
                bestCosine = cosine;
                bestAchieved = achieved;
            } else {
                low = fraction;
            }
        }
        if (best == null || best.isEmpty()) {
            CosineSearchReport.Trial last = tried.isEmpty() ? null : tried.get(tried.size() - 1);
            throw new DecompositionException(
                    String.format(
                            Locale.ROOT,
                            "No decomposition reaches a mean output cosine of %s on the %d"
                                    + " calibration samples: %s. Lower the target cosine, or"
                                    + " leave sensitive layers out (--exclude).",
                            targetCosine,
                            samples,
                            last == null
                                    ? "no budget could be tried"
                                    : String.format(
                                            Locale.ROOT,
                                            "the largest model tried below the whole one,"
                                                    + " %.1f%% of the %s, reaches %.6f",
                                            100 * largestFailed(tried),
                                            measure == CompressionTarget.Measure.PARAMS
                                                    ? "Conv2d parameters"
                                                    : "Conv2d MACs",
                                            cosineOfLargestFailed(tried))));
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Found(
                best,
                bestTarget,
                new CosineSearchReport(
                        targetCosine,
                        measure,
                        bestTarget.fraction(),
                        bestAchieved,
                        bestCosine,
                        samples,
                        tried,
                        seconds));
    }

    private static double largestFailed(List<CosineSearchReport.Trial> tried) {
        return tried.stream()
                .filter(t -> !t.meets())
                .mapToDouble(CosineSearchReport.Trial::fraction)
                .max()
                .orElse(Double.NaN);
    }

    private static double cosineOfLargestFailed(List<CosineSearchReport.Trial> tried) {
        double largest = largestFailed(tried);
        return tried.stream()
                .filter(t -> t.fraction() == largest)
                .mapToDouble(CosineSearchReport.Trial::cosine)
                .findFirst()
                .orElse(Double.NaN);
    }

    /** The measure summed over the model at these ranks of the allocated layers. */
    static long cost(RankSpace space, Map<String, Integer> ranks, CompressionTarget.Measure m) {
        long sum = space.fixedAfter(m);
        for (RankSpace.Layer layer : space.layers()) {
            sum += space.cost(layer.name(), ranks.getOrDefault(layer.name(), 0), m);
        }
        return sum;
    }
}
