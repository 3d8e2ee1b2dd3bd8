package org.amct.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.amct.api.backend.BackendCatalog;
import org.amct.api.backend.BackendRequest;
import org.amct.api.backend.BackendSelection;
import org.amct.api.backend.OpenedBackend;
import org.amct.api.backend.ThreadPolicy;
import org.amct.api.decompose.DecomposedLayer;
import org.amct.api.decompose.LayerCost;
import org.amct.api.decompose.LayerDecomposer;
import org.amct.api.decompose.LayerPlan;
import org.amct.api.decompose.LayerRunner;
import org.amct.api.decompose.RankDecision;
import org.amct.api.decompose.Replacement;
import org.amct.api.decompose.Restructurer;
import org.amct.api.decompose.Unfolding;
import org.amct.api.exception.DecompositionException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelGraph;
import org.amct.api.schema.DecomposeInfoCodec;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two entry points, as in the reference tool's {@code tensor_decompose}: {@link
 * #autoDecomposition} decomposes every eligible Conv2d of a model with its weights ("online");
 * {@link #decomposeNetwork} changes a freshly built model's structure as a decomposition-info file
 * says ("offline"), so that the decomposed weights can be loaded into it.
 *
 * <p>Neither changes its input model: each returns a new one. Both are safe to call concurrently on
 * different models; each call opens its own backend.
 *
 * <p>These static methods are shorthands for a {@link Decomposer} on the backends this JVM's
 * service loader finds, discovered once per JVM, each probed at most once. An application that
 * brings its own backends, or wants them probed again, builds a {@link Decomposer} with a {@link
 * BackendCatalog} instead.
 */
public final class TensorDecompose {
    private static final Logger LOG = LoggerFactory.getLogger(TensorDecompose.class);

    private TensorDecompose() {}

    /**
     * Decomposes every eligible Conv2d with the default options.
     *
     * @param model the model with its trained weights
     * @return the decomposed model, the changes and a report per layer
     * @throws org.amct.api.exception.NoUsableBackendException if no backend can run
     * @throws DecompositionException if a layer's weights are invalid or the backend fails
     */
    public static DecompositionResult autoDecomposition(ModelGraph model) {
        try {
            return autoDecompositionWritingInfo(model, DecompositionOptions.defaults());
        } catch (IOException e) {
            throw new AssertionError("The default options name no file to write", e);
        }
    }

    /**
     * Decomposes every eligible Conv2d and writes the decomposition-info file (when at least one
     * layer was decomposed).
     *
     * @param model the model with its trained weights
     * @param decomposeInfoFile the file to write
     * @return the decomposed model, the changes and a report per layer
     * @throws IOException if the file cannot be written; nothing is left behind then
     */
    public static DecompositionResult autoDecomposition(ModelGraph model, Path decomposeInfoFile)
            throws IOException {
        DecompositionOptions options =
                DecompositionOptions.builder().decomposeInfoFile(decomposeInfoFile).build();
        return autoDecompositionWritingInfo(model, options);
    }

    /**
     * Decomposes every eligible Conv2d with the given options. An info file named in the options is
     * written (when at least one layer was decomposed).
     *
     * @param model the model with its trained weights
     * @param options the settings
     * @return the decomposed model, the changes and a report per layer
     * @throws IOException if the info file named in the options cannot be written; nothing is left
     *     behind then
     * @throws org.amct.api.exception.NoUsableBackendException if no backend can run
     * @throws DecompositionException if a layer's weights are invalid or the backend fails
     */
    public static DecompositionResult autoDecomposition(
            ModelGraph model, DecompositionOptions options) throws IOException {
        return autoDecompositionWritingInfo(model, options);
    }

    private static DecompositionResult autoDecompositionWritingInfo(
            ModelGraph model, DecompositionOptions options) throws IOException {
        return autoDecomposition(DefaultCatalog.get(), model, options);
    }

    /** The online flow on a given catalog: what {@link Decomposer} runs. */
    static DecompositionResult autoDecomposition(
            BackendCatalog catalog, ModelGraph model, DecompositionOptions options)
            throws IOException {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        DecompositionResult result;
        if (options.target().isPresent()) {
            // A budget: every layer it chooses is factorized once (whitened with calibration
            // data), the ranks allocated on those spectra, the factors truncated from them.
            CompressionTarget target = options.target().get();
            AtomicInteger done = new AtomicInteger();
            try (DecompositionPlan plan = DecompositionPlan.open(catalog, model, options, done)) {
                result =
                        plan.build(
                                plan.allocate(target),
                                target.toString(),
                                Optional.of(target),
                                done,
                                true);
            }
        } else {
            Selection selection = Selection.of(model, options);
            OpenedBackend opened =
                    BackendRequest.open(
                            catalog,
                            options.backend(),
                            new BackendOptions(ThreadPolicy.resolve(options.threads())));
            BackendSelection chosen = opened.selection();
            try (ComputeBackend backend = opened.backend()) {
                BackendInfo info =
                        new BackendInfo(
                                backend.id().value(),
                                chosen.chosen().descriptor().displayName(),
                                backend.device(),
                                chosen.forced());
                result = decomposeAll(model, selection, backend, info, options);
            }
        }
        if (options.decomposeInfoFile().isPresent()) {
            return writeInfo(result, options.decomposeInfoFile().get());
        }
        return result;
    }

    /**
     * Factorizes a model's selected layers once and keeps them open, so that many rank choices can
     * be built cheaply ({@link DecompositionPlan}); with {@link DecompositionOptions#dataAware()}
     * on their whitened unfoldings. The options' info file is not written by the plan: see {@link
     * #writeDecomposeInfo}.
     *
     * @param model the model with its trained weights; not modified
     * @param options the backend, layer selection, layer rank policies, rank multiple, input sizes,
     *     target (the label of {@link DecompositionPlan#build(Map)}) and data-aware statistics
     * @return the plan; close it
     * @throws org.amct.api.exception.NoUsableBackendException if no backend can run
     * @throws DecompositionException if a layer's weights or statistics are invalid or the backend
     *     fails
     */
    public static DecompositionPlan plan(ModelGraph model, DecompositionOptions options) {
        return DecompositionPlan.open(DefaultCatalog.get(), model, options, new AtomicInteger());
    }

    /**
     * Writes the decomposition-info file of a result (for example one a {@link DecompositionPlan}
     * built), atomically; nothing is written when no layer was decomposed.
     *
     * @param result the result
     * @param file the file to write
     * @return the result with the file recorded (unchanged when nothing was written)
     * @throws IOException if the file cannot be written; nothing is left behind then
     */
    public static DecompositionResult writeDecomposeInfo(DecompositionResult result, Path file)
            throws IOException {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(file, "file");
        return writeInfo(result, file);
    }

    /** The work of each selected layer, for {@link ProgressListener#planned}. */
    static Map<String, Long> work(Selection selection) {
        Map<String, Long> work = new LinkedHashMap<>();
        selection.distinct.forEach((name, conv) -> work.put(name, workOf(conv)));
        return Collections.unmodifiableMap(work);
    }

    /** Every selected layer under its policy, each factorized once (no target). */
    private static DecompositionResult decomposeAll(
            ModelGraph model,
            Selection selection,
            ComputeBackend backend,
            BackendInfo info,
            DecompositionOptions options) {
        AtomicInteger done = new AtomicInteger();
        int total = selection.distinct.size();
        ProgressListener progress = options.progress();
        progress.planned(work(selection));
        int multiple = options.rankMultiple();
        boolean highRanks =
                !options.rankPolicy().equals(RankPolicy.AUTO)
                        || !options.layerRankPolicies().isEmpty();
        double damping = options.dataAware().map(DataAwareFactors::damping).orElse(0.0);
        Map<String, LayerDecomposer.Outcome> outcomes =
                LayerRunner.run(
                        selection.fixed(),
                        backend,
                        parallelism(options, backend),
                        highRanks,
                        (name, conv, s) ->
                                PolicyRules.decide(
                                        selection.policyOf(name).orElseThrow(), s, conv, multiple),
                        options.dataAware().map(TensorDecompose::moments),
                        damping,
                        new LayerRunner.Listener() {
                            @Override
                            public void started(String name) {
                                progress.layerStarted(name);
                            }

                            @Override
                            public void done(String name, LayerDecomposer.Outcome outcome) {
                                logLayer(name, outcome);
                                progress.layerDone(done.incrementAndGet(), total, name);
                            }
                        });
        return assemble(selection, model, outcomes, info, Optional.empty());
    }

    /**
     * The result from every selected layer's outcome: the decomposed layers replaced in the model
     * (layers sharing a weight get the same factors), the reports and the skipped layers in model
     * order, and the totals.
     */
    static DecompositionResult assemble(
            Selection selection,
            ModelGraph model,
            Map<String, LayerDecomposer.Outcome> outcomes,
            BackendInfo info,
            Optional<TargetReport> target) {
        Map<String, List<String>> changes = new LinkedHashMap<>();
        List<LayerReport> reports = new ArrayList<>();
        List<SkippedLayer> skipped = new ArrayList<>(selection.skipped);
        Map<String, Integer> ranks = new LinkedHashMap<>();
        ModelGraph result = model;
        for (Map.Entry<String, Conv2d> entry : selection.eligible.entrySet()) {
            String name = entry.getKey();
            Conv2d conv = entry.getValue();
            String owner = selection.owners.get(conv.weight());
            LayerDecomposer.Outcome outcome = outcomes.get(owner);
            if (outcome.layer().isEmpty()) {
                skipped.add(new SkippedLayer(name, outcome.decision().unchangedReason().get()));
                continue;
            }
            DecomposedLayer decomposed =
                    owner.equals(name)
                            ? outcome.layer().get()
                            : Reports.reuse(outcome.layer().get(), conv);
            result = Replacement.apply(result, name, decomposed.first(), decomposed.last());
            changes.put(name, Replacement.newNames(name));
            ranks.put(name, decomposed.rankChoice().rank());
            reports.add(
                    Reports.layer(
                            name,
                            conv,
                            decomposed,
                            outcome.decision().policy(),
                            selection.inputSize(name)));
        }
        Map<String, Integer> order = order(selection);
        skipped.sort(java.util.Comparator.comparingInt(layer -> order.get(layer.name())));
        return new DecompositionResult(
                result,
                changes,
                info,
                reports,
                skipped,
                Optional.empty(),
                totals(selection, ranks),
                target);
    }

    /** Each Conv2d's position in model order, to keep the skipped list in model order. */
    private static Map<String, Integer> order(Selection selection) {
        Map<String, Integer> order = new LinkedHashMap<>();
        for (String name : selection.convs.keySet()) {
            order.put(name, order.size());
        }
        return order;
    }

    /** Model totals from the ranks of the decomposed layers (all others count as they are). */
    private static ModelTotals totals(Selection selection, Map<String, Integer> ranks) {
        long paramsBefore = 0;
        long paramsAfter = 0;
        long macsBefore = 0;
        long macsAfter = 0;
        boolean macs = selection.allInputSizesKnown();
        for (Map.Entry<String, Conv2d> entry : selection.convs.entrySet()) {
            String name = entry.getKey();
            Conv2d conv = entry.getValue();
            Integer rank = ranks.get(name);
            paramsBefore += conv.parameterCount();
            paramsAfter +=
                    rank == null ? conv.parameterCount() : LayerCost.params(conv).after(rank);
            if (macs) {
                long before = selection.costBefore(name, conv, CompressionTarget.Measure.MACS);
                macsBefore += before;
                macsAfter +=
                        rank == null
                                ? before
                                : selection
                                        .cost(name, conv, CompressionTarget.Measure.MACS)
                                        .after(rank);
            }
        }
        return new ModelTotals(
                paramsBefore,
                paramsAfter,
                macs ? OptionalLong.of(macsBefore) : OptionalLong.empty(),
                macs ? OptionalLong.of(macsAfter) : OptionalLong.empty());
    }

    /**
     * A layer's share of the work, from its {@code n x m} unfolded matrix: the factorization's
     * {@code n * n * m}, plus the unfolding, the truncation and the error ({@code 2000 n m}) and a
     * fixed cost per layer ({@code 1e8}), weights fitted to timings of 64- to 256-channel layers so
     * that small layers early in a model do not promise a far too late end.
     */
    private static long workOf(Conv2d conv) {
        long n = Unfolding.of(conv).rows();
        long m = Unfolding.of(conv).cols();
        return n * n * m + 2000 * n * m + 100_000_000L;
    }

    static int parallelism(DecompositionOptions options, ComputeBackend backend) {
        if (options.layerParallelism() > 0) {
            return options.layerParallelism();
        }
        return backend.isThreadSafe() ? Runtime.getRuntime().availableProcessors() : 1;
    }

    static void logLayer(String name, LayerDecomposer.Outcome outcome) {
        if (outcome.layer().isEmpty()) {
            LOG.info(
                    "Layer '{}' left unchanged ({}): {}",
                    name,
                    outcome.decision().policy(),
                    outcome.decision().unchangedReason().get());
            return;
        }
        DecomposedLayer layer = outcome.layer().get();
        LOG.info(
                "Layer '{}' decomposed: {} rank {} ({}), relative error {}, {} s",
                name,
                layer.unfolding().mode(),
                layer.rankChoice().rank(),
                outcome.decision().policy(),
                layer.relativeError(),
                layer.seconds());
    }

    private static DecompositionResult writeInfo(DecompositionResult result, Path file)
            throws IOException {
        if (result.layers().isEmpty()) {
            LOG.info("No layer was decomposed: no decomposition-info file written to {}", file);
            return result;
        }
        List<LayerPlan> plans = result.layers().stream().map(Reports::plan).toList();
        DecomposeInfoCodec.write(file, plans);
        return result.withInfoFile(file);
    }

    /**
     * Says, for every Conv2d in model order, whether it would be decomposed and why not, its mode,
     * and (when asked) the rank it would get under the options' policies and target, with its
     * parameters and MACs before and after. Nothing is changed or written.
     *
     * @param model the model
     * @param options the backend, layer selection, rank policies and target
     * @param withRanks whether to factorize eligible layers to find their ranks
     * @return one inspection per Conv2d
     * @throws DecompositionException if {@code withRanks} and a layer's weights are invalid, or the
     *     target cannot be met
     */
    public static List<LayerInspection> inspect(
            ModelGraph model, DecompositionOptions options, boolean withRanks) {
        return inspect(DefaultCatalog.get(), model, options, withRanks);
    }

    /** {@link #inspect(ModelGraph, DecompositionOptions, boolean)} on a given catalog. */
    static List<LayerInspection> inspect(
            BackendCatalog catalog,
            ModelGraph model,
            DecompositionOptions options,
            boolean withRanks) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        Selection selection = Selection.of(model, options);
        Map<String, RankDecision> decisions = new LinkedHashMap<>();
        if (withRanks && !selection.distinct.isEmpty()) {
            OpenedBackend session =
                    BackendRequest.open(
                            catalog,
                            options.backend(),
                            new BackendOptions(ThreadPolicy.resolve(options.threads())));
            try (ComputeBackend backend = session.backend()) {
                Map<String, double[]> spectra = new LinkedHashMap<>();
                selection.distinct.forEach(
                        (name, conv) -> {
                            try (LayerDecomposer.Opened opened =
                                    LayerDecomposer.open(name, conv, backend)) {
                                double[] s = opened.singularValues();
                                Optional<RankPolicy> policy = selection.policyOf(name);
                                if (policy.isPresent()) {
                                    decisions.put(
                                            name,
                                            PolicyRules.decide(
                                                    policy.get(), s, conv, options.rankMultiple()));
                                } else {
                                    spectra.put(name, s);
                                }
                            }
                        });
                if (options.target().isPresent()) {
                    CompressionTarget target = options.target().get();
                    decisions.putAll(
                            DecompositionPlan.decisions(
                                    selection,
                                    target,
                                    options.rankMultiple(),
                                    spectra,
                                    DecompositionPlan.allocate(
                                            selection,
                                            target,
                                            options.rankMultiple(),
                                            spectra,
                                            decisions)));
                }
            }
        }
        Map<String, String> reasons = new LinkedHashMap<>();
        selection.skipped.forEach(s -> reasons.put(s.name(), s.reason()));
        List<LayerInspection> out = new ArrayList<>();
        selection.convs.forEach(
                (name, conv) -> {
                    String owner =
                            selection.eligible.containsKey(name)
                                    ? selection.owners.get(conv.weight())
                                    : null;
                    RankDecision decision = owner == null ? null : decisions.get(owner);
                    out.add(
                            Reports.inspection(
                                    name,
                                    conv,
                                    reasons.get(name),
                                    decision,
                                    withRanks,
                                    selection.inputSize(name)));
                });
        return out;
    }

    /**
     * Changes a freshly built model's structure as a decomposition-info file says: each listed
     * Conv2d becomes two convs with fresh default-initialised weights, ready for the decomposed
     * weights to be loaded with {@link DecomposedWeights#loadConvParameters} (or {@link
     * DecomposedWeights#loadStateDict} for a whole state dict). The whole file is checked against
     * the model before anything changes.
     *
     * @param model the freshly built model; not modified
     * @param decomposeInfoFile the file written by {@link #autoDecomposition} (or the reference)
     * @return the restructured model and the changes
     * @throws IOException if the file cannot be read
     * @throws org.amct.api.exception.DecompositionInfoException if the file is malformed
     * @throws org.amct.api.exception.ModelMismatchException if a listed layer does not match
     */
    public static NetworkDecomposition decomposeNetwork(ModelGraph model, Path decomposeInfoFile)
            throws IOException {
        Objects.requireNonNull(model, "model");
        List<LayerPlan> plans = DecomposeInfoCodec.read(decomposeInfoFile);
        Restructurer.Result result =
                Restructurer.apply(
                        model, plans, decomposeInfoFile.toString(), new SplittableRandom(0));
        return new NetworkDecomposition(result.model(), result.changes());
    }

    static LayerRunner.Moments moments(DataAwareFactors settings) {
        return (name, conv) ->
                settings.statistics().moments(name, conv).map(PatchMoments::secondMoment);
    }
}
