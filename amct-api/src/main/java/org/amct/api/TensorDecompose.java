package org.amct.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.amct.api.backend.BackendCatalog;
import org.amct.api.backend.BackendRequest;
import org.amct.api.backend.BackendSelection;
import org.amct.api.backend.OpenedBackend;
import org.amct.api.backend.ThreadPolicy;
import org.amct.api.decompose.DecomposedLayer;
import org.amct.api.decompose.Eligibility;
import org.amct.api.decompose.LayerDecomposer;
import org.amct.api.decompose.LayerPlan;
import org.amct.api.decompose.LayerRunner;
import org.amct.api.decompose.Replacement;
import org.amct.api.decompose.Restructurer;
import org.amct.api.decompose.Unfolding;
import org.amct.api.exception.DecompositionException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;
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
        return autoDecomposition(model, DecompositionOptions.defaults());
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
     * written; an {@link IOException} while writing it is rethrown unchecked as {@link
     * java.io.UncheckedIOException}.
     *
     * @param model the model with its trained weights
     * @param options the settings
     * @return the decomposed model, the changes and a report per layer
     */
    public static DecompositionResult autoDecomposition(
            ModelGraph model, DecompositionOptions options) {
        try {
            return autoDecompositionWritingInfo(model, options);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
        Map<String, Conv2d> eligible = new LinkedHashMap<>();
        List<SkippedLayer> skipped = new ArrayList<>();
        sortConvs(model, eligible, skipped);
        DecompositionResult result;
        OpenedBackend opened =
                BackendRequest.open(
                        catalog,
                        options.backend(),
                        new BackendOptions(ThreadPolicy.resolve(options.threads())));
        BackendSelection selection = opened.selection();
        try (ComputeBackend backend = opened.backend()) {
            BackendInfo info =
                    new BackendInfo(
                            backend.id().value(),
                            selection.chosen().descriptor().displayName(),
                            backend.device(),
                            selection.forced());
            result = decomposeAll(model, eligible, skipped, backend, info, options);
        }
        if (options.decomposeInfoFile().isPresent()) {
            return writeInfo(result, options.decomposeInfoFile().get());
        }
        return result;
    }

    /** Every Conv2d in model order, split into eligible ones and skipped ones with reasons. */
    private static void sortConvs(
            ModelGraph model, Map<String, Conv2d> eligible, List<SkippedLayer> skipped) {
        model.convs()
                .forEach(
                        (name, conv) -> {
                            Optional<String> reason = Eligibility.reasonToSkip(conv);
                            if (reason.isPresent()) {
                                LOG.debug("Layer '{}' left unchanged: {}", name, reason.get());
                                skipped.add(new SkippedLayer(name, reason.get()));
                            } else if (!Eligibility.hasSupportedDtype(conv)) {
                                String why =
                                        "weight dtype "
                                                + conv.weight().dtype()
                                                + " is not supported";
                                LOG.warn("Layer '{}' left unchanged: {}", name, why);
                                skipped.add(new SkippedLayer(name, why));
                            } else {
                                eligible.put(name, conv);
                            }
                        });
    }

    private static DecompositionResult decomposeAll(
            ModelGraph model,
            Map<String, Conv2d> eligible,
            List<SkippedLayer> skipped,
            ComputeBackend backend,
            BackendInfo info,
            DecompositionOptions options) {
        // Layers sharing one weight tensor are factorized once, under the first name.
        Map<Tensor, String> owners = new IdentityHashMap<>();
        Map<String, Conv2d> distinct = new LinkedHashMap<>();
        eligible.forEach(
                (name, conv) -> {
                    if (owners.putIfAbsent(conv.weight(), name) == null) {
                        distinct.put(name, conv);
                    }
                });
        AtomicInteger done = new AtomicInteger();
        ProgressListener progress = options.progress();
        Map<String, Long> work = new LinkedHashMap<>();
        distinct.forEach((name, conv) -> work.put(name, workOf(conv)));
        progress.planned(Collections.unmodifiableMap(work));
        Map<String, DecomposedLayer> computed =
                LayerRunner.run(
                        distinct,
                        backend,
                        parallelism(options, backend),
                        options.rankPolicy() == RankPolicy.FULL,
                        new LayerRunner.Listener() {
                            @Override
                            public void started(String name) {
                                progress.layerStarted(name);
                            }

                            @Override
                            public void done(String name, DecomposedLayer layer) {
                                logLayer(name, layer);
                                progress.layerDone(done.incrementAndGet(), distinct.size(), name);
                            }
                        });
        Map<String, List<String>> changes = new LinkedHashMap<>();
        List<LayerReport> reports = new ArrayList<>();
        ModelGraph result = model;
        for (Map.Entry<String, Conv2d> entry : eligible.entrySet()) {
            String name = entry.getKey();
            Conv2d conv = entry.getValue();
            String owner = owners.get(conv.weight());
            DecomposedLayer decomposed =
                    owner.equals(name)
                            ? computed.get(name)
                            : Reports.reuse(computed.get(owner), conv);
            result = Replacement.apply(result, name, decomposed.first(), decomposed.last());
            changes.put(name, Replacement.newNames(name));
            reports.add(Reports.layer(name, conv, decomposed));
        }
        return new DecompositionResult(result, changes, info, reports, skipped, Optional.empty());
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

    private static int parallelism(DecompositionOptions options, ComputeBackend backend) {
        if (options.layerParallelism() > 0) {
            return options.layerParallelism();
        }
        return backend.isThreadSafe() ? Runtime.getRuntime().availableProcessors() : 1;
    }

    private static void logLayer(String name, DecomposedLayer layer) {
        LOG.info(
                "Layer '{}' decomposed: {} rank {}, relative error {}, {} s",
                name,
                layer.unfolding().mode(),
                layer.rankChoice().rank(),
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
        return new DecompositionResult(
                result.model(),
                result.changes(),
                result.backend(),
                result.layers(),
                result.skipped(),
                Optional.of(file));
    }

    /**
     * Says, for every Conv2d in model order, whether it would be decomposed and why not, its mode,
     * and (when asked) the rank it would get. Nothing is changed.
     *
     * @param model the model
     * @param options the backend settings (used only when {@code withRanks})
     * @param withRanks whether to factorize eligible layers to find their ranks
     * @return one inspection per Conv2d
     * @throws DecompositionException if {@code withRanks} and a layer's weights are invalid
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
        Map<String, Conv2d> eligible = new LinkedHashMap<>();
        List<SkippedLayer> skipped = new ArrayList<>();
        sortConvs(model, eligible, skipped);
        Map<String, Integer> ranks = new LinkedHashMap<>();
        if (withRanks && !eligible.isEmpty()) {
            OpenedBackend opened =
                    BackendRequest.open(
                            catalog,
                            options.backend(),
                            new BackendOptions(ThreadPolicy.resolve(options.threads())));
            try (ComputeBackend backend = opened.backend()) {
                eligible.forEach(
                        (name, conv) ->
                                ranks.put(name, LayerDecomposer.rankOf(name, conv, backend)));
            }
        }
        Map<String, String> reasons = new LinkedHashMap<>();
        skipped.forEach(s -> reasons.put(s.name(), s.reason()));
        List<LayerInspection> out = new ArrayList<>();
        model.convs()
                .forEach(
                        (name, conv) ->
                                out.add(
                                        Reports.inspection(
                                                name, conv, reasons.get(name), ranks.get(name))));
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
}
