package org.amct.api.decompose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.amct.api.exception.DecompositionException;
import org.amct.api.graph.Conv2d;
import org.amct.spi.ComputeBackend;

/**
 * Decomposes a set of independent layers on one backend, one after the other or several at once
 * when the backend is thread-safe, admitting each layer only when its memory fits, and keeping the
 * new weights beyond a share of the heap in mapped files ({@link FactorSpill}). Results do not
 * depend on the order or the concurrency: each layer is a pure function of its weight.
 */
public final class LayerRunner {
    private LayerRunner() {}

    /** The input-patch second moments of the layers, for data-aware factors. */
    @FunctionalInterface
    public interface Moments {
        /**
         * One layer's moments.
         *
         * @param name the layer
         * @param conv the layer's conv
         * @return {@code d x d} row-major, or empty for weight-space factors
         */
        Optional<double[]> of(String name, Conv2d conv);
    }

    /** Told when each layer starts and after it is done, from the thread that decomposes it. */
    @FunctionalInterface
    public interface Listener {
        /**
         * A layer starts, once its memory is admitted.
         *
         * @param name the layer
         */
        default void started(String name) {}

        /**
         * A layer is done.
         *
         * @param name the layer
         * @param layer its result
         */
        void done(String name, LayerDecomposer.Outcome layer);
    }

    /**
     * Decomposes every layer.
     *
     * @param layers eligible layers by name
     * @param backend the opened backend
     * @param parallelism how many layers may run at once; {@code > 1} only for a thread-safe
     *     backend
     * @param highRanks whether ranks above the reference rule's may be chosen (for the memory
     *     estimate)
     * @param decider chooses each layer's rank from its spectrum
     * @param moments each layer's input-patch second moment, for data-aware factors
     * @param damping the relative damping of those moments
     * @param listener told after each layer
     * @return the outcomes by name, in the order of {@code layers}
     * @throws DecompositionException if a layer fails, does not fit in memory, or the calling
     *     thread is interrupted
     */
    public static Map<String, LayerDecomposer.Outcome> run(
            Map<String, Conv2d> layers,
            ComputeBackend backend,
            int parallelism,
            boolean highRanks,
            LayerDecomposer.RankDecider decider,
            Optional<Moments> moments,
            double damping,
            Listener listener) {
        MemoryBudget budget = new MemoryBudget();
        FactorSpill spill = FactorSpill.forThisHeap();
        if (parallelism <= 1 || layers.size() <= 1 || !backend.isThreadSafe()) {
            Map<String, LayerDecomposer.Outcome> results = new LinkedHashMap<>();
            layers.forEach(
                    (name, conv) ->
                            results.put(
                                    name,
                                    one(
                                            name, conv, backend, highRanks, decider, moments,
                                            damping, budget, spill, listener)));
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, layers.size()));
        try {
            List<Future<LayerDecomposer.Outcome>> futures = new ArrayList<>();
            layers.forEach(
                    (name, conv) ->
                            futures.add(
                                    pool.submit(
                                            () ->
                                                    one(
                                                            name, conv, backend, highRanks, decider,
                                                            moments, damping, budget, spill,
                                                            listener))));
            Map<String, LayerDecomposer.Outcome> results = new LinkedHashMap<>();
            int i = 0;
            for (String name : layers.keySet()) {
                results.put(name, await(futures.get(i++), name));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static LayerDecomposer.Outcome await(
            Future<LayerDecomposer.Outcome> future, String name) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(name);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new DecompositionException(
                    "Layer '" + name + "' failed: " + e.getCause(), e.getCause());
        }
    }

    private static LayerDecomposer.Outcome one(
            String name,
            Conv2d conv,
            ComputeBackend backend,
            boolean highRanks,
            LayerDecomposer.RankDecider decider,
            Optional<Moments> source,
            double damping,
            MemoryBudget budget,
            FactorSpill spill,
            Listener listener) {
        if (Thread.currentThread().isInterrupted()) {
            throw interrupted(name);
        }
        long bytes = LayerDecomposer.peakBytes(conv, backend, highRanks);
        Optional<double[]> moments = source.flatMap(m -> m.of(name, conv));
        if (moments.isPresent()) {
            // A dense copy of A, its whitened copy, and the Cholesky factor of the moments.
            bytes += 8L * (2 * LayerDecomposer.matrixElements(conv) + 2L * moments.get().length);
        }
        try {
            budget.acquire(name, bytes, backend.id().value());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(name);
        }
        try {
            listener.started(name);
            LayerDecomposer.Outcome result =
                    spill.keep(
                            name,
                            LayerDecomposer.decompose(
                                    name, conv, backend, decider, moments, damping));
            listener.done(name, result);
            return result;
        } finally {
            budget.release(bytes);
        }
    }

    private static DecompositionException interrupted(String name) {
        return new DecompositionException(
                "Interrupted before layer '" + name + "' finished; the input model is unchanged");
    }
}
