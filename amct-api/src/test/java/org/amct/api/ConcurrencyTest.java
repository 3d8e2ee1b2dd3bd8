package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.amct.api.exception.DecompositionException;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.junit.jupiter.api.Test;

/** Layers run concurrently, calls run concurrently, and interruption stops the work. */
class ConcurrencyTest {

    private static DecompositionOptions options(int parallelism) {
        return DecompositionOptions.builder().backend("ejml").layerParallelism(parallelism).build();
    }

    @Test
    void concurrentLayersGiveTheSequentialResult() throws java.io.IOException {
        ModelGraph model = TinyNets.resnetLike(11, DType.FLOAT32);
        DecompositionResult sequential = TensorDecompose.autoDecomposition(model, options(1));
        DecompositionResult parallel = TensorDecompose.autoDecomposition(model, options(3));
        assertEquals(sequential.changes(), parallel.changes());
        assertEquals(sequential.model().stateDict(), parallel.model().stateDict());
    }

    @Test
    void concurrentCallsOnDifferentModelsEachGiveTheirSequentialResult() throws Exception {
        List<ModelGraph> models = new ArrayList<>();
        for (int seed = 20; seed < 24; seed++) {
            models.add(TinyNets.resnetLike(seed, DType.FLOAT32));
        }
        ExecutorService pool = Executors.newFixedThreadPool(models.size());
        try {
            List<Future<DecompositionResult>> futures = new ArrayList<>();
            for (ModelGraph model : models) {
                futures.add(
                        pool.submit(() -> TensorDecompose.autoDecomposition(model, options(0))));
            }
            for (int i = 0; i < models.size(); i++) {
                DecompositionResult expected =
                        TensorDecompose.autoDecomposition(models.get(i), options(1));
                assertEquals(
                        expected.model().stateDict(),
                        futures.get(i).get().model().stateDict(),
                        "model " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInterruptedCallerStopsBeforeTheNextLayerAndChangesNothing() {
        ModelGraph model = TinyNets.resnetLike(12, DType.FLOAT32);
        ModelSnapshot before = ModelSnapshot.of(model);
        Thread.currentThread().interrupt();
        try {
            DecompositionException e =
                    assertThrows(
                            DecompositionException.class,
                            () -> TensorDecompose.autoDecomposition(model, options(1)));
            assertTrue(
                    e.getMessage().startsWith("Interrupted before layer 'conv1'"), e.getMessage());
        } finally {
            Thread.interrupted();
        }
        before.assertUnchanged(model);
    }
}
