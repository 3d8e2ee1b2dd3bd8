package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import org.amct.api.backend.BackendCatalog;
import org.amct.api.exception.NoUsableBackendException;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.spi.Availability;
import org.amct.spi.BackendDescriptor;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.ComputeBackendProvider;
import org.amct.spi.DeviceKind;
import org.junit.jupiter.api.Test;

class DecomposerTest {

    /** The EJML provider behind another id, counting its probes and opens. */
    private static final class Counted implements ComputeBackendProvider {
        private final ComputeBackendProvider ejml =
                ServiceLoader.load(ComputeBackendProvider.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .filter(p -> p.descriptor().id().value().equals("ejml"))
                        .findFirst()
                        .orElseThrow();
        final AtomicInteger probes = new AtomicInteger();
        final AtomicInteger opens = new AtomicInteger();

        @Override
        public BackendDescriptor descriptor() {
            return new BackendDescriptor(BackendId.of("counted"), "counted EJML", DeviceKind.CPU);
        }

        @Override
        public Availability probe() {
            probes.incrementAndGet();
            return ejml.probe();
        }

        @Override
        public ComputeBackend open(BackendOptions options) {
            opens.incrementAndGet();
            return ejml.open(options);
        }
    }

    /** Probes throw: it must never stop a run that does not ask for it. */
    private static final class Broken implements ComputeBackendProvider {
        @Override
        public BackendDescriptor descriptor() {
            return new BackendDescriptor(BackendId.of("broken"), "broken", DeviceKind.CUDA);
        }

        @Override
        public Availability probe() {
            throw new IllegalStateException("driver crashed");
        }

        @Override
        public ComputeBackend open(BackendOptions options) {
            throw new AssertionError("never opened");
        }
    }

    @Test
    void aDecomposerUsesItsCatalogAndProbesEachBackendOnce() throws java.io.IOException {
        Counted provider = new Counted();
        ModelGraph model = TinyNets.resnetLike(31, DType.FLOAT32);
        // tag::decomposer[]
        Decomposer decomposer = Decomposer.of(BackendCatalog.of(List.of(provider)));
        DecompositionResult result = decomposer.autoDecomposition(model);
        // end::decomposer[]
        DecompositionResult again =
                decomposer.autoDecomposition(
                        model, DecompositionOptions.builder().threads(1).build());
        assertEquals(1, provider.probes.get(), "one probe per catalog");
        assertEquals(2, provider.opens.get(), "one open per run");
        assertEquals("ejml", result.backend().id());
        assertEquals(result.layers().size(), again.layers().size());
        assertTrue(result.layers().size() >= 2, result.layers().toString());
    }

    @Test
    void aThrowingProbeDoesNotStopTheRunAndInspectWithoutRanksProbesNothing() {
        Counted provider = new Counted();
        Decomposer decomposer = Decomposer.of(BackendCatalog.of(List.of(new Broken(), provider)));
        ModelGraph model = TinyNets.resnetLike(32, DType.FLOAT32);
        decomposer.inspect(model, DecompositionOptions.defaults(), false);
        assertEquals(0, provider.probes.get(), "inspect without ranks needs no backend");
        DecompositionResult result = decomposer.autoDecomposition(model);
        assertEquals("counted EJML", result.backend().displayName());
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class,
                        () ->
                                decomposer.autoDecomposition(
                                        model,
                                        DecompositionOptions.builder().backend("broken").build()));
        assertTrue(
                e.getMessage().contains("probe() threw IllegalStateException: driver crashed"),
                e.getMessage());
    }
}
