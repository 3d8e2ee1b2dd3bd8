package org.amct.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amct.api.exception.NoUsableBackendException;
import org.amct.spi.Availability;
import org.amct.spi.BackendDescriptor;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.ComputeBackendProvider;
import org.amct.spi.DeviceKind;
import org.junit.jupiter.api.Test;

class BackendCatalogTest {

    /** A provider that only answers probes. */
    private record FakeProvider(String id, Availability availability)
            implements ComputeBackendProvider {
        @Override
        public BackendDescriptor descriptor() {
            return new BackendDescriptor(BackendId.of(id), id, DeviceKind.CPU);
        }

        @Override
        public Availability probe() {
            return availability;
        }

        @Override
        public ComputeBackend open(BackendOptions options) {
            throw new UnsupportedOperationException("not opened in these tests");
        }
    }

    private static final BackendCatalog CATALOG =
            BackendCatalog.of(
                    List.of(
                            new FakeProvider("slow", Availability.available("cpu", 100)),
                            new FakeProvider("fast", Availability.available("cpu", 200)),
                            new FakeProvider(
                                    "gpu",
                                    Availability.unavailable(
                                            "no CUDA device found", "install the NVIDIA driver"))));

    @Test
    void picksTheHighestPriorityAvailableBackend() {
        BackendSelection selection = CATALOG.select(Optional.empty());
        assertEquals("fast", selection.chosen().descriptor().id().value());
        assertFalse(selection.forced());
        assertEquals(3, selection.reports().size());
    }

    @Test
    void breaksPriorityTiesById() {
        BackendCatalog tied =
                BackendCatalog.of(
                        List.of(
                                new FakeProvider("zeta", Availability.available("cpu", 100)),
                                new FakeProvider("alpha", Availability.available("cpu", 100))));
        assertEquals("alpha", tied.select(Optional.empty()).chosen().descriptor().id().value());
    }

    @Test
    void honoursAnExplicitRequestEvenForALowerPriority() {
        BackendSelection selection = CATALOG.select(Optional.of(BackendId.of("slow")));
        assertEquals("slow", selection.chosen().descriptor().id().value());
        assertTrue(selection.forced());
    }

    @Test
    void rejectsAnUnknownIdListingTheKnownOnes() {
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class,
                        () -> CATALOG.select(Optional.of(BackendId.of("tpu"))));
        assertEquals("Unknown backend 'tpu'. Known backends: fast, gpu, slow.", e.getMessage());
    }

    @Test
    void rejectsAnUnavailableRequestQuotingTheProbe() {
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class,
                        () -> CATALOG.select(Optional.of(BackendId.of("gpu"))));
        assertTrue(e.getMessage().contains("no CUDA device found"), e.getMessage());
        assertTrue(e.getMessage().contains("install the NVIDIA driver"), e.getMessage());
    }

    @Test
    void failsWhenNothingIsAvailable() {
        BackendCatalog none =
                BackendCatalog.of(
                        List.of(
                                new FakeProvider(
                                        "gpu", Availability.unavailable("no device", "none"))));
        NoUsableBackendException e =
                assertThrows(NoUsableBackendException.class, () -> none.select(Optional.empty()));
        assertTrue(e.getMessage().contains("gpu: unavailable: no device"), e.getMessage());
    }

    @Test
    void rejectsTwoProvidersWithOneId() {
        assertThrows(
                NoUsableBackendException.class,
                () ->
                        BackendCatalog.of(
                                List.of(
                                        new FakeProvider("same", Availability.available("a", 1)),
                                        new FakeProvider("same", Availability.available("b", 2)))));
    }

    @Test
    void explicitIdWinsOverPropertyWhichWinsOverEnvironment() {
        Map<String, String> props = Map.of(BackendRequest.PROPERTY, "openblas");
        Map<String, String> env = Map.of(BackendRequest.ENVIRONMENT_VARIABLE, "ejml");
        assertEquals(
                Optional.of(BackendId.of("aparapi")),
                BackendRequest.resolve(Optional.of(BackendId.of("aparapi")), props::get, env::get));
        assertEquals(
                Optional.of(BackendId.of("openblas")),
                BackendRequest.resolve(Optional.empty(), props::get, env::get));
        assertEquals(
                Optional.of(BackendId.of("ejml")),
                BackendRequest.resolve(Optional.empty(), k -> null, env::get));
        assertEquals(
                Optional.empty(), BackendRequest.resolve(Optional.empty(), k -> null, k -> null));
    }

    @Test
    void rejectsAMalformedIdInTheEnvironmentNamingTheVariable() {
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class,
                        () ->
                                BackendRequest.resolve(
                                        Optional.empty(), k -> null, k -> "Open BLAS"));
        assertTrue(e.getMessage().contains("AMCT_BACKEND"), e.getMessage());
    }

    @Test
    void discoversTheEjmlBackendThroughServiceLoader() {
        BackendCatalog found = BackendCatalog.discover();
        assertTrue(
                found.reports().stream().anyMatch(r -> r.descriptor().id().value().equals("ejml")),
                "ejml provider found: " + found.reports());
    }
}
