package org.amct.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.amct.api.backend.BackendCatalog;
import org.amct.api.graph.ModelGraph;

/**
 * The online entry points on a chosen set of backends: {@link TensorDecompose}'s {@code
 * autoDecomposition} and {@code inspect}, on the {@link BackendCatalog} given here instead of the
 * one the JVM discovers. Each backend of the catalog is probed at most once, however many models
 * this decomposer handles; a backend requested by id (through the options, {@code -Damct.backend}
 * or {@code AMCT_BACKEND}) is the only one probed.
 *
 * <pre>{@code
 * Decomposer decomposer = Decomposer.of(BackendCatalog.of(List.of(new MyBackendProvider())));
 * DecompositionResult result = decomposer.autoDecomposition(model);
 * }</pre>
 *
 * <p>Immutable and thread-safe; each call opens its own backend and closes it before returning.
 */
public final class Decomposer {
    private final BackendCatalog catalog;

    private Decomposer(BackendCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * A decomposer on the given backends.
     *
     * @param catalog the backends to choose from
     * @return the decomposer
     */
    public static Decomposer of(BackendCatalog catalog) {
        return new Decomposer(catalog);
    }

    /**
     * A decomposer on the backends the JVM's service loader finds, the same ones {@link
     * TensorDecompose}'s static methods use (discovered once per JVM).
     *
     * @return the decomposer
     */
    public static Decomposer withDiscoveredBackends() {
        return new Decomposer(DefaultCatalog.get());
    }

    /**
     * The backends this decomposer chooses from.
     *
     * @return the catalog
     */
    public BackendCatalog catalog() {
        return catalog;
    }

    /**
     * Decomposes every eligible Conv2d with the default options; see {@link
     * TensorDecompose#autoDecomposition(ModelGraph)}.
     *
     * @param model the model with its trained weights
     * @return the decomposed model, the changes and a report per layer
     */
    public DecompositionResult autoDecomposition(ModelGraph model) {
        try {
            return TensorDecompose.autoDecomposition(
                    catalog, model, DecompositionOptions.defaults());
        } catch (IOException e) {
            throw new AssertionError("The default options name no file to write", e);
        }
    }

    /**
     * Decomposes every eligible Conv2d and writes the decomposition-info file; see {@link
     * TensorDecompose#autoDecomposition(ModelGraph, Path)}.
     *
     * @param model the model with its trained weights
     * @param decomposeInfoFile the file to write
     * @return the decomposed model, the changes and a report per layer
     * @throws IOException if the file cannot be written; nothing is left behind then
     */
    public DecompositionResult autoDecomposition(ModelGraph model, Path decomposeInfoFile)
            throws IOException {
        return TensorDecompose.autoDecomposition(
                catalog,
                model,
                DecompositionOptions.builder().decomposeInfoFile(decomposeInfoFile).build());
    }

    /**
     * Decomposes every eligible Conv2d with the given options; see {@link
     * TensorDecompose#autoDecomposition(ModelGraph, DecompositionOptions)}.
     *
     * @param model the model with its trained weights
     * @param options the settings
     * @return the decomposed model, the changes and a report per layer
     * @throws IOException if the info file named in the options cannot be written; nothing is left
     *     behind then
     */
    public DecompositionResult autoDecomposition(ModelGraph model, DecompositionOptions options)
            throws IOException {
        return TensorDecompose.autoDecomposition(catalog, model, options);
    }

    /**
     * Factorizes a model's selected layers once and keeps them open for cheap builds at many rank
     * choices; see {@link TensorDecompose#plan(ModelGraph, DecompositionOptions)}.
     *
     * @param model the model with its trained weights
     * @param options the settings
     * @return the plan, holding its backend until closed
     */
    public DecompositionPlan plan(ModelGraph model, DecompositionOptions options) {
        return DecompositionPlan.open(
                catalog, model, options, new java.util.concurrent.atomic.AtomicInteger());
    }

    /**
     * Says for every Conv2d whether it would be decomposed; see {@link
     * TensorDecompose#inspect(ModelGraph, DecompositionOptions, boolean)}. Without ranks no backend
     * is probed.
     *
     * @param model the model
     * @param options the backend settings (used only when {@code withRanks})
     * @param withRanks whether to factorize eligible layers to find their ranks
     * @return one inspection per Conv2d
     */
    public List<LayerInspection> inspect(
            ModelGraph model, DecompositionOptions options, boolean withRanks) {
        return TensorDecompose.inspect(catalog, model, options, withRanks);
    }
}
