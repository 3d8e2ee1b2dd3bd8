package org.amct.calibration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amct.api.CompressionTarget;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionPlan;
import org.amct.api.DecompositionResult;
import org.amct.api.TargetReport;
import org.amct.api.TensorDecompose;
import org.amct.api.graph.ModelGraph;

/** The rank space of a {@link DecompositionPlan}: every layer factorized once, builds cheap. */
final class PlanRankSpace implements RankSpace, AutoCloseable {
    private final DecompositionPlan plan;
    private final DecompositionOptions options;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, DecompositionPlan.Layer> byName = new LinkedHashMap<>();

    /**
     * Opens the plan.
     *
     * @param model the model
     * @param options the settings; its info file is written by {@link #finish} only
     */
    PlanRankSpace(ModelGraph model, DecompositionOptions options) {
        this.options = options;
        this.plan = TensorDecompose.plan(model, options);
        for (DecompositionPlan.Layer layer : plan.layers()) {
            layers.add(new Layer(layer.name(), layer.maxRank(), layer.fullRank()));
            byName.put(layer.name(), layer);
        }
    }

    @Override
    public List<Layer> layers() {
        return layers;
    }

    @Override
    public int rankMultiple() {
        return options.rankMultiple();
    }

    @Override
    public long cost(String layer, int rank, CompressionTarget.Measure measure) {
        return byName.get(layer).cost(measure).at(rank);
    }

    @Override
    public long before(CompressionTarget.Measure measure) {
        return plan.before(measure);
    }

    @Override
    public long fixedAfter(CompressionTarget.Measure measure) {
        long all = plan.after(measure, Map.of());
        for (DecompositionPlan.Layer layer : plan.layers()) {
            all -= layer.cost(measure).at(0);
        }
        return all;
    }

    @Override
    public Map<String, Integer> allocate(CompressionTarget target) {
        Map<String, Integer> ranks = new LinkedHashMap<>();
        plan.allocate(target)
                .forEach(
                        (name, rank) -> {
                            if (rank > 0) {
                                ranks.put(name, rank);
                            }
                        });
        return ranks;
    }

    @Override
    public DecompositionResult build(Map<String, Integer> ranks) {
        return plan.build(ranks, "candidate");
    }

    @Override
    public DecompositionResult finish(Map<String, Integer> ranks) {
        return finish(ranks, Optional.empty(), "");
    }

    /**
     * The chosen model: labelled with the options' target or the one given (its report added here,
     * since the plan's options do not have it), and its info file written when asked for.
     */
    DecompositionResult finish(
            Map<String, Integer> ranks, Optional<CompressionTarget> chosen, String label) {
        DecompositionResult result =
                chosen.isPresent() ? plan.build(ranks, label) : plan.build(ranks);
        if (chosen.isPresent()) {
            CompressionTarget target = chosen.get();
            long before = plan.before(target.measure());
            result =
                    new DecompositionResult(
                            result.model(),
                            result.changes(),
                            result.backend(),
                            result.layers(),
                            result.skipped(),
                            result.decomposeInfoFile(),
                            result.totals(),
                            Optional.of(
                                    new TargetReport(
                                            target,
                                            before,
                                            (long) Math.floor(target.fraction() * before),
                                            plan.after(target.measure(), ranks),
                                            spectra())));
        }
        if (options.decomposeInfoFile().isPresent()) {
            try {
                result =
                        TensorDecompose.writeDecomposeInfo(
                                result, options.decomposeInfoFile().get());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return result;
    }

    private TargetReport.Spectra spectra() {
        long whitened = plan.layers().stream().filter(DecompositionPlan.Layer::whitened).count();
        return whitened == 0
                ? TargetReport.Spectra.WEIGHTS
                : whitened == plan.layers().size()
                        ? TargetReport.Spectra.WHITENED
                        : TargetReport.Spectra.MIXED;
    }

    @Override
    public void close() {
        plan.close();
    }
}
