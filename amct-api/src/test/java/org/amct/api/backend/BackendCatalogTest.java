package org.amct.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.amct.api.exception.NoUsableBackendException;
import org.amct.spi.Availability;
import org.amct.spi.BackendDescriptor;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.ComputeBackendProvider;
import org.amct.spi.DenseMatrix;
import org.amct.spi.DeviceKind;
import org.amct.spi.Factorization;
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
    void aSecondProviderWithTheSameIdIsAFaultNotAFailure() {
        BackendCatalog twice =
                BackendCatalog.of(
                        List.of(
                                new FakeProvider("same", Availability.available("a", 1)),
                                new FakeProvider("same", Availability.available("b", 2))));
        assertEquals(1, twice.reports().size());
        assertEquals("a", twice.select(Optional.empty()).device());
        assertEquals(1, twice.faults().size());
        assertTrue(
                twice.faults().get(0).describe().contains("its id 'same' is already used by"),
                twice.faults().toString());
    }

    /** A provider that counts its probes and fails where it is told to. */
    private static final class Faulty implements ComputeBackendProvider {
        private final String id;
        private final String failIn;
        private final int priority;
        final AtomicInteger probes = new AtomicInteger();
        final AtomicInteger opens = new AtomicInteger();

        private final OptionalInt ceiling;

        Faulty(String id, String failIn, int priority) {
            this(id, failIn, priority, OptionalInt.empty());
        }

        Faulty(String id, String failIn, int priority, OptionalInt ceiling) {
            this.id = id;
            this.failIn = failIn;
            this.priority = priority;
            this.ceiling = ceiling;
        }

        @Override
        public OptionalInt priorityCeiling() {
            if (failIn.equals("ceiling")) {
                throw new IllegalStateException("ceiling exploded");
            }
            return ceiling;
        }

        @Override
        public BackendDescriptor descriptor() {
            if (failIn.equals("descriptor")) {
                throw new IllegalStateException("descriptor exploded");
            }
            return new BackendDescriptor(BackendId.of(id), id, DeviceKind.CPU);
        }

        @Override
        public Availability probe() {
            probes.incrementAndGet();
            if (failIn.equals("probe")) {
                throw new UnsatisfiedLinkError("no libvendor.so in java.library.path");
            }
            return Availability.available("cpu " + id, priority);
        }

        @Override
        public ComputeBackend open(BackendOptions options) {
            opens.incrementAndGet();
            if (failIn.equals("open")) {
                throw new IllegalStateException("device lost");
            }
            return new FakeBackend(BackendId.of(id));
        }
    }

    /** An opened backend that is never asked to compute here. */
    private record FakeBackend(BackendId id) implements ComputeBackend {
        @Override
        public String device() {
            return "cpu";
        }

        @Override
        public Factorization factorize(DenseMatrix a) {
            throw new UnsupportedOperationException("not computed in these tests");
        }

        @Override
        public long workspaceBytes(int rows, int cols) {
            return 0;
        }

        @Override
        public void close() {}
    }

    @Test
    void aThrowingDescriptorBecomesAFaultNamingTheClassAndTheReason() {
        Faulty good = new Faulty("good", "", 100);
        BackendCatalog catalog =
                BackendCatalog.of(List.of(new Faulty("bad", "descriptor", 1), good));
        assertEquals(
                "unavailable: "
                        + Faulty.class.getName()
                        + ": descriptor() threw IllegalStateException: descriptor exploded",
                catalog.faults().get(0).describe());
        assertEquals("good", catalog.select(Optional.empty()).chosen().descriptor().id().value());
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class,
                        () -> catalog.select(Optional.of(BackendId.of("bad"))));
        assertTrue(e.getMessage().contains("descriptor exploded"), e.getMessage());
    }

    @Test
    void aThrowingProbeIsUnavailableWithTheExceptionAndDoesNotStopTheAutomaticChoice() {
        Faulty broken = new Faulty("broken", "probe", 500);
        Faulty good = new Faulty("good", "", 100);
        BackendCatalog catalog = BackendCatalog.of(List.of(broken, good));
        assertEquals("good", catalog.select(Optional.empty()).chosen().descriptor().id().value());
        ProbeReport report =
                catalog.reports().stream()
                        .filter(r -> r.descriptor().id().value().equals("broken"))
                        .findFirst()
                        .orElseThrow();
        String line = BackendCatalog.describe(report);
        assertTrue(
                line.startsWith(
                        "broken: unavailable: "
                                + Faulty.class.getName()
                                + ": probe() threw UnsatisfiedLinkError: no libvendor.so"),
                line);
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class,
                        () -> catalog.select(Optional.of(BackendId.of("broken"))));
        assertTrue(e.getMessage().contains("probe() threw UnsatisfiedLinkError"), e.getMessage());
    }

    @Test
    void probesRunOncePerCatalog() {
        Faulty a = new Faulty("a", "", 100);
        Faulty b = new Faulty("b", "", 200);
        BackendCatalog catalog = BackendCatalog.of(List.of(a, b));
        for (int i = 0; i < 3; i++) {
            catalog.select(Optional.empty());
            catalog.reports();
            catalog.select(Optional.of(BackendId.of("a")));
        }
        assertEquals(1, a.probes.get());
        assertEquals(1, b.probes.get());
    }

    @Test
    void aForcedBackendProbesOnlyItself() {
        Faulty a = new Faulty("a", "", 100);
        Faulty b = new Faulty("b", "", 200);
        BackendCatalog catalog = BackendCatalog.of(List.of(a, b));
        assertEquals(
                List.of("a", "b"),
                catalog.descriptors().stream().map(d -> d.id().value()).toList());
        BackendSelection selection = catalog.select(Optional.of(BackendId.of("a")));
        assertEquals(List.of(selection.chosen()), selection.reports());
        assertEquals(1, a.probes.get());
        assertEquals(0, b.probes.get(), "the other backend is not probed");
    }

    @Test
    void aBackendThatFailsToOpenIsPassedOverByTheAutomaticChoiceButNotWhenForced() {
        Faulty flaky = new Faulty("flaky", "open", 300);
        Faulty good = new Faulty("good", "", 100);
        BackendCatalog catalog = BackendCatalog.of(List.of(flaky, good));
        OpenedBackend opened = catalog.open(Optional.empty(), BackendOptions.defaults());
        assertEquals("good", opened.backend().id().value());
        assertEquals("good", opened.selection().chosen().descriptor().id().value());
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class,
                        () ->
                                catalog.open(
                                        Optional.of(BackendId.of("flaky")),
                                        BackendOptions.defaults()));
        assertTrue(
                e.getMessage()
                        .contains(
                                "Backend 'flaky' was requested but failed to open: "
                                        + Faulty.class.getName()
                                        + ": open() threw IllegalStateException: device lost"),
                e.getMessage());
        assertEquals(1, good.opens.get(), "good was opened once");
    }

    @Test
    void theAutomaticChoiceDoesNotProbeABackendThatCannotWin() {
        Faulty capped = new Faulty("capped", "", 5, OptionalInt.of(5));
        Faulty good = new Faulty("good", "", 100);
        Faulty thrower = new Faulty("thrower", "ceiling", 50);
        BackendCatalog catalog = BackendCatalog.of(List.of(capped, thrower, good));
        BackendSelection selection = catalog.select(Optional.empty());
        assertEquals("good", selection.chosen().descriptor().id().value());
        assertEquals(0, capped.probes.get(), "a ceiling of 5 cannot beat 100");
        assertEquals(1, thrower.probes.get(), "a ceiling that throws is unknown: probed");
        assertEquals(2, selection.reports().size());
        assertEquals(3, catalog.reports().size(), "listing probes everything");
        assertEquals(1, capped.probes.get());
    }

    @Test
    void aCeilingAboveTheBestFoundIsProbed() {
        Faulty gpu = new Faulty("gpu", "", 300, OptionalInt.of(300));
        Faulty cpu = new Faulty("cpu", "", 100);
        BackendCatalog catalog = BackendCatalog.of(List.of(cpu, gpu));
        assertEquals("gpu", catalog.select(Optional.empty()).chosen().descriptor().id().value());
        assertEquals(1, gpu.probes.get());
    }

    @Test
    void whenTheChosenBackendFailsToOpenTheChoiceIsMadeAgainWithoutIt() {
        Faulty flaky = new Faulty("flaky", "open", 300);
        Faulty capped = new Faulty("capped", "", 150, OptionalInt.of(150));
        Faulty slow = new Faulty("slow", "", 100);
        BackendCatalog catalog = BackendCatalog.of(List.of(flaky, capped, slow));
        OpenedBackend opened = catalog.open(Optional.empty(), BackendOptions.defaults());
        assertEquals("capped", opened.backend().id().value(), "150 beats 100 once 300 failed");
        BackendCatalog none = BackendCatalog.of(List.of(new Faulty("flaky", "open", 300)));
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class,
                        () -> none.open(Optional.empty(), BackendOptions.defaults()));
        assertTrue(
                e.getMessage()
                        .startsWith("No compute backend could be opened: flaky failed to open"),
                e.getMessage());
    }

    @Test
    void theSelectionErrorListsBrokenProviders() {
        BackendCatalog catalog =
                BackendCatalog.of(
                        List.of(
                                new Faulty("bad", "descriptor", 1),
                                new Faulty("worse", "probe", 1)));
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class, () -> catalog.select(Optional.empty()));
        assertTrue(e.getMessage().contains("descriptor exploded"), e.getMessage());
        assertTrue(e.getMessage().contains("worse: unavailable: "), e.getMessage());
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
