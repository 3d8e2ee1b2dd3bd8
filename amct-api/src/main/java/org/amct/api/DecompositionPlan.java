package org.amct.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.amct.api.backend.BackendCatalog;
import org.amct.api.backend.BackendRequest;
import org.amct.api.backend.BackendSelection;
import org.amct.api.backend.OpenedBackend;
import org.amct.api.backend.ThreadPolicy;
import org.amct.api.decompose.DecomposedLayer;
import org.amct.api.decompose.FactorSpill;
import org.amct.api.decompose.LayerCost;
import org.amct.api.decompose.LayerDecomposer;
import org.amct.api.decompose.LayerRunner;
import org.amct.api.decompose.RankAllocator;
import org.amct.api.decompose.RankChoice;
import org.amct.api.decompose.RankDecision;
import org.amct.api.decompose.RankRules;
import org.amct.api.exception.DecompositionException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelGraph;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model's layers factorized once and kept open, so that many rank choices can be tried cheaply:
 * {@link #allocate} spends a budget on their spectra, and {@link #build} makes the decomposed model
 * for any ranks by truncating the kept factorizations (no layer is factorized again).
 *
 * <p>The plan's {@link #layers()} are the selected layers (one per weight tensor) without a rank
 * policy of their own ({@link DecompositionOptions#layerRankPolicies()}); their ranks come from
 * {@link #allocate} or from the caller. Layers with a policy of their own are decomposed once when
 * the plan is made and appear the same in every result; the policy for all ({@link
 * DecompositionOptions#rankPolicy()}) is not used. With {@link DecompositionOptions#dataAware()},
 * each layer the statistics cover is factorized on its whitened unfolding ({@code L^T A} or {@code
 * A L}, docs/design/ALGORITHM.md section 8): its spectrum is the whitened one, so that an
 * allocation weighs each layer's expected output error on the calibration data, and its factors are
 * the data-aware ones at every rank.
 *
 * <pre>{@code
 * try (DecompositionPlan plan = TensorDecompose.plan(model, options)) {
 *     Map<String, Integer> ranks = plan.allocate(CompressionTarget.params(0.4));
 *     DecompositionResult first = plan.build(ranks);
 *     ranks.merge("layer1.0.conv1", 16, Integer::sum); // try a little more rank there
 *     DecompositionResult second = plan.build(ranks, "refined");
 * }
 * }</pre>
 *
 * <p>The plan holds its backend and every layer's factorization (for the Gram-based backends about
 * {@code n^2 + n m} doubles per layer, plus the {@code d x d} Cholesky factor of the whitened ones)
 * until {@link #close()}. Not thread-safe: one caller builds at a time. The input model is never
 * changed; each result is a new model.
 */
public final class DecompositionPlan implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecompositionPlan.class);

    private final ModelGraph model;
    private final Selection selection;
    private final DecompositionOptions options;
    private final ComputeBackend backend;
    private final BackendInfo info;
    private final Map<String, LayerDecomposer.Outcome> fixed;
    private final Map<String, LayerDecomposer.Opened> opened;
    private final Map<String, RankChoice> marks;
    private final List<Layer> layers;
    private final Map<String, Layer> byName;
    private boolean closed;

    /**
     * One layer's cost as a linear function of its rank, summed over the layers that share its
     * weight tensor.
     *
     * @param before the cost of the layer unchanged
     * @param fixedAfter the rank-independent part of the pair's cost (the bias)
     * @param perRank the pair's cost per unit of rank
     */
    public record Cost(long before, long fixedAfter, long perRank) {
        /**
         * The cost at a rank.
         *
         * @param rank the rank, 0 for the layer unchanged
         * @return {@code before} for rank 0, else {@code fixedAfter + perRank * rank}
         */
        public long at(int rank) {
            return rank == 0
                    ? before
                    : Math.addExact(fixedAfter, Math.multiplyExact(perRank, (long) rank));
        }

        static Cost of(LayerCost cost) {
            return new Cost(cost.before(), cost.fixedAfter(), cost.perRank());
        }

        LayerCost toLayerCost() {
            return new LayerCost(before, fixedAfter, perRank);
        }
    }

    /**
     * A layer of the plan.
     *
     * @param name the layer's dotted name (the first, when several share its weight): the key of a
     *     rank map
     * @param mode its decomposition mode, for example {@code "SCFK"}
     * @param singularValues the spectrum of the factorized matrix, descending, {@code n} values
     *     (the largest rank)
     * @param whitened whether that matrix is the whitened unfolding (data-aware)
     * @param maxRank the largest rank whose pair has fewer weights than the layer (the largest an
     *     allocation gives); 0 when even rank 1 is not smaller
     * @param params its parameter cost
     * @param macs its multiply-accumulates per inference, when every Conv2d's input size is known
     */
    public record Layer(
            String name,
            String mode,
            double[] singularValues,
            boolean whitened,
            int maxRank,
            Cost params,
            Optional<Cost> macs) {
        /**
         * Copies the spectrum.
         *
         * @param name the layer's name
         * @param mode its mode
         * @param singularValues its spectrum
         * @param whitened whether whitened
         * @param maxRank the largest rank with a smaller pair
         * @param params its parameter cost
         * @param macs its MAC cost, when known
         */
        public Layer {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(params, "params");
            Objects.requireNonNull(macs, "macs");
            singularValues = singularValues.clone();
        }

        /**
         * The spectrum.
         *
         * @return a copy; the caller owns it
         */
        @Override
        public double[] singularValues() {
            return singularValues.clone();
        }

        /**
         * The largest rank {@code n}.
         *
         * @return the number of singular values
         */
        public int fullRank() {
            return singularValues.length;
        }

        /**
         * The measure an allocation minimises, summed over layers: the discarded energy of the
         * spectrum over its total, {@code sum(s[r:]^2) / sum(s^2)} (weighted by the calibration
         * data when {@link #whitened()}).
         *
         * @param rank the rank, 0 for the layer unchanged (no error)
         * @return the relative discarded energy, in {@code [0, 1]}
         */
        public double relativeError(int rank) {
            if (rank == 0) {
                return 0.0;
            }
            double total = 0;
            double tail = 0;
            for (int i = singularValues.length - 1; i >= 0; i--) {
                double e = singularValues[i] * singularValues[i];
                total += e;
                if (i >= rank) {
                    tail += e;
                }
            }
            return total == 0 ? 0.0 : tail / total;
        }

        /**
         * The cost in a measure.
         *
         * @param measure parameters or MACs
         * @return the cost
         * @throws DecompositionException for MACs when the input sizes are not known
         */
        public Cost cost(CompressionTarget.Measure measure) {
            if (measure == CompressionTarget.Measure.PARAMS) {
                return params;
            }
            return macs.orElseThrow(
                    () ->
                            new DecompositionException(
                                    "MACs need the input size of every Conv2d at the model's input"
                                            + " shape (DecompositionOptions.Builder.inputSizes)"));
        }
    }

    private DecompositionPlan(
            ModelGraph model,
            Selection selection,
            DecompositionOptions options,
            ComputeBackend backend,
            BackendInfo info) {
        this.model = model;
        this.selection = selection;
        this.options = options;
        this.backend = backend;
        this.info = info;
        this.fixed = new LinkedHashMap<>();
        this.opened = new LinkedHashMap<>();
        this.marks = new LinkedHashMap<>();
        this.layers = new ArrayList<>();
        this.byName = new LinkedHashMap<>();
    }

    /**
     * Opens the backend, decomposes the layers with a policy of their own and factorizes the
     * others, keeping them open.
     *
     * @param catalog the backends
     * @param model the model
     * @param options the settings
     * @param done counts layers done, for {@code options.progress()}
     * @return the plan; close it
     */
    static DecompositionPlan open(
            BackendCatalog catalog,
            ModelGraph model,
            DecompositionOptions options,
            AtomicInteger done) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        Selection selection = Selection.of(model, options);
        OpenedBackend session =
                BackendRequest.open(
                        catalog,
                        options.backend(),
                        new BackendOptions(ThreadPolicy.resolve(options.threads())));
        BackendSelection chosen = session.selection();
        ComputeBackend backend = session.backend();
        DecompositionPlan plan;
        try {
            BackendInfo info =
                    new BackendInfo(
                            backend.id().value(),
                            chosen.chosen().descriptor().displayName(),
                            backend.device(),
                            chosen.forced());
            plan = new DecompositionPlan(model, selection, options, backend, info);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        try {
            plan.factorize(done);
            return plan;
        } catch (RuntimeException | Error e) {
            try {
                plan.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void factorize(AtomicInteger done) {
        ProgressListener progress = options.progress();
        int total = selection.distinct.size();
        progress.planned(TensorDecompose.work(selection));
        Map<String, Conv2d> own = selection.withOwnPolicy();
        int multiple = options.rankMultiple();
        double damping = options.dataAware().map(DataAwareFactors::damping).orElse(0.0);
        Optional<LayerRunner.Moments> moments = options.dataAware().map(TensorDecompose::moments);
        fixed.putAll(
                LayerRunner.run(
                        own,
                        backend,
                        TensorDecompose.parallelism(options, backend),
                        true,
                        (name, conv, s) ->
                                PolicyRules.decide(
                                        selection.policyOf(name).orElseThrow(), s, conv, multiple),
                        moments,
                        damping,
                        new LayerRunner.Listener() {
                            @Override
                            public void started(String name) {
                                progress.layerStarted(name);
                            }

                            @Override
                            public void done(String name, LayerDecomposer.Outcome outcome) {
                                TensorDecompose.logLayer(name, outcome);
                                progress.layerDone(done.incrementAndGet(), total, name);
                            }
                        }));
        boolean macsKnown = selection.allInputSizesKnown();
        for (Map.Entry<String, Conv2d> entry : selection.withoutOwnPolicy().entrySet()) {
            String name = entry.getKey();
            Conv2d conv = entry.getValue();
            progress.layerStarted(name);
            Optional<double[]> s = moments.flatMap(m -> m.of(name, conv));
            LayerDecomposer.Opened layer =
                    s.isPresent()
                            ? LayerDecomposer.openWhitened(name, conv, backend, s.get(), damping)
                            : LayerDecomposer.open(name, conv, backend);
            opened.put(name, layer);
            double[] spectrum = layer.singularValues();
            marks.put(name, RankRules.reference(spectrum, conv, multiple));
            Layer planned =
                    new Layer(
                            name,
                            layer.unfolding().mode().name(),
                            spectrum,
                            layer.whitened(),
                            RankRules.largestSmallerRank(conv),
                            Cost.of(cost(name, CompressionTarget.Measure.PARAMS)),
                            macsKnown
                                    ? Optional.of(
                                            Cost.of(cost(name, CompressionTarget.Measure.MACS)))
                                    : Optional.empty());
            layers.add(planned);
            byName.put(name, planned);
        }
    }

    /** A plan layer's cost, summed over the eligible layers that share its weight. */
    private LayerCost cost(String owner, CompressionTarget.Measure measure) {
        LayerCost sum = null;
        for (Map.Entry<String, Conv2d> entry : selection.eligible.entrySet()) {
            Conv2d conv = entry.getValue();
            if (owner.equals(selection.owners.get(conv.weight()))) {
                LayerCost one = selection.cost(entry.getKey(), conv, measure);
                sum = sum == null ? one : sum.plus(one);
            }
        }
        return sum;
    }

    /**
     * The layers whose ranks the plan chooses, in model order.
     *
     * @return the layers
     */
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /**
     * The backend that factorized the layers.
     *
     * @return its id, name and device
     */
    public BackendInfo backend() {
        return info;
    }

    /**
     * A measure summed over every Conv2d of the model, unchanged.
     *
     * @param measure parameters or MACs
     * @return the total before
     * @throws DecompositionException for MACs when an input size is not known
     */
    public long before(CompressionTarget.Measure measure) {
        long before = 0;
        for (Map.Entry<String, Conv2d> entry : selection.convs.entrySet()) {
            before += selection.costBefore(entry.getKey(), entry.getValue(), measure);
        }
        return before;
    }

    /**
     * A measure summed over every Conv2d of the model as {@link #build} would make it with these
     * ranks.
     *
     * @param measure parameters or MACs
     * @param ranks by layer of {@link #layers()}; 0 or absent leaves a layer unchanged
     * @return the total after
     * @throws IllegalArgumentException if a name is not a layer of the plan or a rank is out of
     *     range
     * @throws DecompositionException for MACs when an input size is not known
     */
    public long after(CompressionTarget.Measure measure, Map<String, Integer> ranks) {
        Map<String, Integer> checked = check(ranks);
        long after = othersAfter(measure);
        for (Layer layer : layers) {
            after += layer.cost(measure).at(checked.getOrDefault(layer.name(), 0));
        }
        return after;
    }

    /** The measure over every Conv2d that is not a plan layer, after. */
    private long othersAfter(CompressionTarget.Measure measure) {
        Map<String, RankDecision> decisions = new LinkedHashMap<>();
        fixed.forEach((name, outcome) -> decisions.put(name, outcome.decision()));
        return fixedAfter(selection, measure, byName.keySet(), decisions);
    }

    /**
     * Allocates a budget to the plan's layers (docs/design/ALGORITHM.md section 8): the ranks that
     * minimise the summed {@link Layer#relativeError} while the measure over every Conv2d of the
     * model stays at most {@code floor(fraction * before)}, ranks on the options' rank multiple, a
     * layer left unchanged where that is cheaper.
     *
     * @param target the budget
     * @return a rank for every layer of {@link #layers()}, in model order; 0 means unchanged
     * @throws DecompositionException if the smallest ranks cannot meet the budget, or for MACs when
     *     an input size is not known
     */
    public Map<String, Integer> allocate(CompressionTarget target) {
        requireOpen();
        Objects.requireNonNull(target, "target");
        Map<String, double[]> spectra = new LinkedHashMap<>();
        layers.forEach(layer -> spectra.put(layer.name(), layer.singularValues));
        Map<String, RankDecision> decisions = new LinkedHashMap<>();
        fixed.forEach((name, outcome) -> decisions.put(name, outcome.decision()));
        Map<String, OptionalInt> allocation =
                allocate(selection, target, options.rankMultiple(), spectra, decisions);
        Map<String, Integer> ranks = new LinkedHashMap<>();
        allocation.forEach((name, rank) -> ranks.put(name, rank.orElse(0)));
        return ranks;
    }

    /**
     * The decomposed model at the given ranks, labelled with the options' target ({@code
     * "target-params:0.4"}) or {@code "plan"} when the options have none.
     *
     * @param ranks by layer of {@link #layers()}; 0 or absent leaves a layer unchanged
     * @return the result; its target, when the options have one, says how the ranks meet it
     * @throws IllegalArgumentException if a name is not a layer of the plan or a rank is not in
     *     {@code [0, n]}
     * @throws DecompositionException if the backend fails
     */
    public DecompositionResult build(Map<String, Integer> ranks) {
        return build(ranks, options.target().map(CompressionTarget::toString).orElse("plan"));
    }

    /**
     * The decomposed model at the given ranks: each layer's kept factorization truncated at its
     * rank, the two new convs built from it (data-aware for whitened layers), the other layers as
     * the plan made them. Cheap next to the factorizations; repeatable with other ranks.
     *
     * @param ranks by layer of {@link #layers()}; 0 or absent leaves a layer unchanged
     * @param policy what chose the ranks, for the reports ({@link LayerReport#policy()})
     * @return the result; its target, when the options have one, says how the ranks meet it (their
     *     measure after may exceed its limit, unless they came from {@link #allocate}) and which
     *     spectra the plan's layers have
     * @throws IllegalArgumentException if a name is not a layer of the plan or a rank is not in
     *     {@code [0, n]}
     * @throws DecompositionException if the backend fails
     */
    public DecompositionResult build(Map<String, Integer> ranks, String policy) {
        return build(ranks, policy, options.target(), null, false);
    }

    /** Builds, telling {@code options.progress()} of each plan layer when {@code done} is given. */
    DecompositionResult build(
            Map<String, Integer> ranks,
            String policy,
            Optional<CompressionTarget> target,
            AtomicInteger done,
            boolean log) {
        requireOpen();
        Objects.requireNonNull(policy, "policy");
        Map<String, Integer> checked = check(ranks);
        ProgressListener progress = options.progress();
        int total = selection.distinct.size();
        Map<String, LayerDecomposer.Outcome> outcomes = new LinkedHashMap<>(fixed);
        FactorSpill spill = FactorSpill.forThisHeap();
        for (Layer layer : layers) {
            String name = layer.name();
            int rank = checked.getOrDefault(name, 0);
            Conv2d conv = selection.distinct.get(name);
            RankDecision decision = decision(policy, marks.get(name), rank, conv);
            Optional<DecomposedLayer> result =
                    decision.decomposes()
                            ? Optional.of(opened.get(name).finish(decision.choice()))
                            : Optional.empty();
            LayerDecomposer.Outcome outcome =
                    spill.keep(
                            name,
                            new LayerDecomposer.Outcome(decision, result, layer.singularValues));
            outcomes.put(name, outcome);
            if (log) {
                TensorDecompose.logLayer(name, outcome);
            }
            if (done != null) {
                progress.layerDone(done.incrementAndGet(), total, name);
            }
        }
        Optional<TargetReport> report =
                target.map(
                        t -> {
                            long before = before(t.measure());
                            long limit = (long) Math.floor(t.fraction() * before);
                            return new TargetReport(
                                    t, before, limit, after(t.measure(), checked), spectra());
                        });
        return TensorDecompose.assemble(selection, model, outcomes, info, report);
    }

    /** Which spectra the plan's layers have. */
    private TargetReport.Spectra spectra() {
        long whitened = layers.stream().filter(Layer::whitened).count();
        if (whitened == 0) {
            return TargetReport.Spectra.WEIGHTS;
        }
        return whitened == layers.size()
                ? TargetReport.Spectra.WHITENED
                : TargetReport.Spectra.MIXED;
    }

    private static RankDecision decision(
            String policy, RankChoice reference, int rank, Conv2d conv) {
        if (rank == 0) {
            return new RankDecision(
                    policy, reference, Optional.of("left whole by the " + policy + " allocation"));
        }
        return RankRules.withRank(policy, reference, rank, conv, false);
    }

    /** The ranks, checked against the plan's layers. */
    private Map<String, Integer> check(Map<String, Integer> ranks) {
        Objects.requireNonNull(ranks, "ranks");
        for (Map.Entry<String, Integer> entry : ranks.entrySet()) {
            Layer layer = byName.get(entry.getKey());
            if (layer == null) {
                throw new IllegalArgumentException(
                        "'"
                                + entry.getKey()
                                + "' is not a layer of the plan; its layers are: "
                                + (byName.isEmpty()
                                        ? "none"
                                        : byName.keySet().stream()
                                                .collect(Collectors.joining(", "))));
            }
            Integer rank = entry.getValue();
            if (rank == null || rank < 0 || rank > layer.fullRank()) {
                throw new IllegalArgumentException(
                        "Layer '"
                                + entry.getKey()
                                + "': rank "
                                + rank
                                + " is not in [0, "
                                + layer.fullRank()
                                + "] (0 leaves it unchanged)");
            }
        }
        return ranks;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("The decomposition plan is closed");
        }
    }

    /** Closes every kept factorization and the backend; calling it again does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            opened.values().forEach(LayerDecomposer.Opened::close);
        } finally {
            opened.clear();
            backend.close();
        }
    }

    /**
     * The measure over every Conv2d of the model except the allocated layers, after: unchanged
     * layers count as they are, layers with a decision of their own at its rank.
     */
    static long fixedAfter(
            Selection selection,
            CompressionTarget.Measure measure,
            java.util.Set<String> allocated,
            Map<String, RankDecision> fixedDecisions) {
        long after = 0;
        for (Map.Entry<String, Conv2d> entry : selection.convs.entrySet()) {
            String name = entry.getKey();
            Conv2d conv = entry.getValue();
            String owner =
                    selection.eligible.containsKey(name)
                            ? selection.owners.get(conv.weight())
                            : null;
            if (owner != null && allocated.contains(owner)) {
                continue;
            }
            RankDecision decision = owner == null ? null : fixedDecisions.get(owner);
            if (decision != null && decision.decomposes()) {
                after += selection.cost(name, conv, measure).after(decision.choice().rank());
            } else {
                after += selection.costBefore(name, conv, measure);
            }
        }
        return after;
    }

    /**
     * Allocates a target's budget to the layers whose spectra are given, the others taking what
     * their decisions say (docs/design/ALGORITHM.md section 8).
     *
     * @return a rank per allocated layer; empty means unchanged
     */
    static Map<String, OptionalInt> allocate(
            Selection selection,
            CompressionTarget target,
            int multiple,
            Map<String, double[]> spectra,
            Map<String, RankDecision> fixedDecisions) {
        CompressionTarget.Measure measure = target.measure();
        long before = 0;
        Map<String, LayerCost> costs = new LinkedHashMap<>();
        for (Map.Entry<String, Conv2d> entry : selection.convs.entrySet()) {
            String name = entry.getKey();
            Conv2d conv = entry.getValue();
            before += selection.costBefore(name, conv, measure);
            String owner =
                    selection.eligible.containsKey(name)
                            ? selection.owners.get(conv.weight())
                            : null;
            if (owner != null && spectra.containsKey(owner)) {
                costs.merge(owner, selection.cost(name, conv, measure), LayerCost::plus);
            }
        }
        long fixedAfter = fixedAfter(selection, measure, spectra.keySet(), fixedDecisions);
        long limit = (long) Math.floor(target.fraction() * before);
        List<RankAllocator.Layer> allocated = new ArrayList<>();
        spectra.forEach(
                (name, s) ->
                        allocated.add(
                                new RankAllocator.Layer(
                                        name,
                                        s,
                                        costs.get(name),
                                        RankRules.largestSmallerRank(
                                                selection.distinct.get(name)))));
        RankAllocator.Allocation allocation;
        try {
            allocation = RankAllocator.allocate(allocated, limit - fixedAfter, multiple);
        } catch (RankAllocator.BudgetTooSmall e) {
            throw new DecompositionException(
                    String.format(
                            Locale.ROOT,
                            "The %s cannot be met: it allows %,d of the model's %,d (all Conv2d"
                                    + " layers); the layers it does not choose (ineligible,"
                                    + " excluded, or with a rank of their own) take %,d, and the"
                                    + " %d layers it chooses need at least %,d at the smallest"
                                    + " ranks on the multiple of %d. Raise the target, lower the"
                                    + " rank multiple, or let it choose more layers.",
                            target,
                            limit,
                            before,
                            fixedAfter,
                            allocated.size(),
                            e.cheapest(),
                            multiple),
                    e);
        }
        LOG.info(
                "{}: {} of {} kept ({} allowed), summed relative error {}",
                target,
                fixedAfter + allocation.cost(),
                before,
                limit,
                allocation.error());
        return allocation.ranks();
    }

    /**
     * The decisions of an allocation, with the reference rule's marks on each layer's spectrum kept
     * for the report.
     */
    static Map<String, RankDecision> decisions(
            Selection selection,
            CompressionTarget target,
            int multiple,
            Map<String, double[]> spectra,
            Map<String, OptionalInt> ranks) {
        Map<String, RankDecision> decisions = new LinkedHashMap<>();
        ranks.forEach(
                (name, rank) -> {
                    Conv2d conv = selection.distinct.get(name);
                    RankChoice reference = RankRules.reference(spectra.get(name), conv, multiple);
                    decisions.put(
                            name, decision(target.toString(), reference, rank.orElse(0), conv));
                });
        return decisions;
    }
}
