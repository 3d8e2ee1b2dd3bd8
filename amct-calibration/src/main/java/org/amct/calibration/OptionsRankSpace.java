package org.amct.calibration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amct.api.CompressionTarget;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerReport;
import org.amct.api.RankPolicy;
import org.amct.api.SkippedLayer;
import org.amct.api.TensorDecompose;
import org.amct.api.graph.ModelGraph;

/** A rank space through the public options: every build decomposes the model again. */
final class OptionsRankSpace implements RankSpace {
    private final ModelGraph model;
    private final DecompositionOptions base;
    private final DecompositionOptions asked;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, long[]> params = new LinkedHashMap<>();
    private final Map<String, long[]> macs = new LinkedHashMap<>();
    private final long[] before = new long[2];
    private final long[] fixed = new long[2];

    OptionsRankSpace(ModelGraph model, DecompositionOptions base, CompressionTarget any) {
        this.model = model;
        this.asked = base;
        this.base = without(base);
        DecompositionResult start = TensorDecompose.autoDecomposition(model, with(this.base, any));
        List<String> names = new ArrayList<>();
        for (LayerReport r : start.layers()) {
            if (r.policy().equals(any.toString())) {
                names.add(r.name());
            }
        }
        for (SkippedLayer s : start.skipped()) {
            if (s.reason().startsWith("left whole by the")) {
                names.add(s.name());
            }
        }
        Map<String, Integer> probe = new LinkedHashMap<>();
        names.forEach(n -> probe.put(n, base.rankMultiple()));
        DecompositionResult built = build(probe);
        int r = base.rankMultiple();
        long paramsAllocated = 0;
        long macsAllocated = 0;
        for (LayerReport report : built.layers()) {
            long numel =
                    (long) report.inChannels()
                            * report.outChannels()
                            * report.kernelSize().height()
                            * report.kernelSize().width();
            long pair =
                    report.firstShape().stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b)
                            + report.lastShape().stream()
                                    .mapToLong(Integer::longValue)
                                    .reduce(1, (a, b) -> a * b);
            long perRank = pair / r;
            long bias = report.paramsAfter() - pair;
            params.put(report.name(), new long[] {report.paramsBefore(), bias, perRank});
            paramsAllocated += report.paramsAfter();
            long macBefore = report.macsBeforeAtInput().orElse(0);
            long macAfter = report.macsAfterAtInput().orElse(0);
            macs.put(report.name(), new long[] {macBefore, 0, macAfter / r});
            macsAllocated += macAfter;
            double s = perRank;
            int full = (int) Math.round((s - Math.sqrt(Math.max(0, s * s - 4.0 * numel))) / 2);
            int max = (int) Math.min(full, (numel - 1) / perRank);
            layers.add(new Layer(report.name(), max, full));
        }
        before[0] = built.totals().paramsBefore();
        before[1] = built.totals().macsBefore().orElse(0);
        fixed[0] = built.totals().paramsAfter() - paramsAllocated;
        fixed[1] = built.totals().macsAfter().orElse(0) - macsAllocated;
    }

    private static DecompositionOptions without(DecompositionOptions o) {
        return new DecompositionOptions(
                o.backend(),
                o.threads(),
                Optional.empty(),
                o.rankPolicy(),
                org.amct.api.ProgressListener.NONE,
                o.layerParallelism(),
                o.include(),
                o.exclude(),
                o.layerRankPolicies(),
                o.rankMultiple(),
                Optional.empty(),
                o.inputSizes(),
                o.dataAware());
    }

    private static DecompositionOptions with(DecompositionOptions o, CompressionTarget t) {
        return new DecompositionOptions(
                o.backend(),
                o.threads(),
                Optional.empty(),
                o.rankPolicy(),
                o.progress(),
                o.layerParallelism(),
                o.include(),
                o.exclude(),
                o.layerRankPolicies(),
                o.rankMultiple(),
                Optional.of(t),
                o.inputSizes(),
                o.dataAware());
    }

    @Override
    public List<Layer> layers() {
        return layers;
    }

    @Override
    public int rankMultiple() {
        return base.rankMultiple();
    }

    @Override
    public long cost(String layer, int rank, CompressionTarget.Measure measure) {
        long[] c = (measure == CompressionTarget.Measure.PARAMS ? params : macs).get(layer);
        return rank == 0 ? c[0] : c[1] + c[2] * rank;
    }

    @Override
    public long before(CompressionTarget.Measure measure) {
        return before[measure.ordinal()];
    }

    @Override
    public long fixedAfter(CompressionTarget.Measure measure) {
        return fixed[measure.ordinal()];
    }

    @Override
    public Map<String, Integer> allocate(CompressionTarget target) {
        DecompositionResult result = TensorDecompose.autoDecomposition(model, with(base, target));
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (LayerReport r : result.layers()) {
            if (r.policy().equals(target.toString())) {
                ranks.put(r.name(), r.rank());
            }
        }
        return ranks;
    }

    @Override
    public DecompositionResult build(Map<String, Integer> ranks) {
        return build(ranks, base);
    }

    @Override
    public DecompositionResult finish(Map<String, Integer> ranks) {
        return build(ranks, asked);
    }

    private DecompositionResult build(Map<String, Integer> ranks, DecompositionOptions base) {
        Map<String, RankPolicy> policies = new LinkedHashMap<>(base.layerRankPolicies());
        List<String> exclude = new ArrayList<>(base.exclude());
        // Exact names first: they win over the caller's globs.
        Map<String, RankPolicy> ordered = new LinkedHashMap<>();
        ranks.forEach((name, rank) -> ordered.put(name, RankPolicy.rank(rank)));
        ordered.putAll(policies);
        for (Layer layer : layers) {
            if (!ranks.containsKey(layer.name())) {
                exclude.add(layer.name());
            }
        }
        return TensorDecompose.autoDecomposition(
                model,
                new DecompositionOptions(
                        base.backend(),
                        base.threads(),
                        base.decomposeInfoFile(),
                        base.rankPolicy(),
                        base.progress(),
                        base.layerParallelism(),
                        base.include(),
                        exclude,
                        ordered,
                        base.rankMultiple(),
                        Optional.empty(),
                        base.inputSizes(),
                        base.dataAware()));
    }
}
