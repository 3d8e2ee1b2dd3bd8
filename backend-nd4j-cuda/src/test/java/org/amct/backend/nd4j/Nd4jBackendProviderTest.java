package org.amct.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.amct.spi.Availability;
import org.amct.spi.BackendException;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.DeviceKind;
import org.junit.jupiter.api.Test;

class Nd4jBackendProviderTest {
    /** Sees the JDK only: no ND4J class is visible through it. */
    private static final ClassLoader WITHOUT_ND4J = new URLClassLoader(new URL[0], null);

    private static final ClassLoader WITH_ND4J = Nd4jBackendProvider.class.getClassLoader();

    private static Nd4jBackendProvider failingWith(RuntimeException failure) {
        return new Nd4jBackendProvider(
                WITH_ND4J,
                () -> {
                    throw failure;
                });
    }

    private static Nd4jBackendProvider failingWith(LinkageError failure) {
        return new Nd4jBackendProvider(
                WITH_ND4J,
                () -> {
                    throw failure;
                });
    }

    private static Availability.Unavailable unavailable(Nd4jBackendProvider provider) {
        return assertInstanceOf(Availability.Unavailable.class, provider.probe());
    }

    @Test
    void descriptorNamesNd4jWithoutInitialisingIt() {
        AtomicInteger loads = new AtomicInteger();
        Supplier<Nd4jRuntime> counting =
                () -> {
                    loads.incrementAndGet();
                    throw new IllegalStateException("must not be called");
                };
        var provider = new Nd4jBackendProvider(WITH_ND4J, counting);
        assertEquals(BackendId.of("nd4j"), provider.descriptor().id());
        assertEquals(Nd4jTestBackends.expectedDevice(), provider.descriptor().deviceKind());
        assertTrue(provider.descriptor().displayName().startsWith("ND4J"));
        assertEquals(0, loads.get());
    }

    @Test
    void descriptorSaysCpuWhenNd4jCudaIsNotOnTheClassPath() {
        var provider = new Nd4jBackendProvider(WITHOUT_ND4J, Nd4jRuntime::load);
        assertEquals(DeviceKind.CPU, provider.descriptor().deviceKind());
    }

    @Test
    void probeSaysNd4jIsNotOnTheClassPathWithoutTryingToLoadIt() {
        AtomicInteger loads = new AtomicInteger();
        var provider =
                new Nd4jBackendProvider(
                        WITHOUT_ND4J,
                        () -> {
                            loads.incrementAndGet();
                            throw new NoClassDefFoundError("org/nd4j/linalg/factory/Nd4j");
                        });
        var result = unavailable(provider);
        assertTrue(result.reason().contains("ND4J is not on the class path"), result.reason());
        assertTrue(result.reason().contains("org/nd4j/linalg/factory/Nd4j.class"), result.reason());
        assertTrue(result.hint().contains("AMCT_WITH_ND4J=1"), result.hint());
        assertTrue(result.hint().contains("--backend ejml"), result.hint());
        assertEquals(0, loads.get());
    }

    @Test
    void probeNamesTheNativeLibraryThatDoesNotLoad() {
        var result =
                unavailable(
                        failingWith(
                                new UnsatisfiedLinkError("no jnind4jcpu in java.library.path")));
        assertTrue(result.reason().contains("native library"), result.reason());
        assertTrue(result.reason().contains("no jnind4jcpu"), result.reason());
    }

    @Test
    void probeFindsTheMissingLibraryInsideAnInitialiserFailure() {
        var cause =
                new RuntimeException(
                        new UnsatisfiedLinkError(
                                "libcudart.so.11.0: cannot open shared object file"));
        var result = unavailable(failingWith(new ExceptionInInitializerError(cause)));
        assertTrue(result.reason().contains("libcudart.so.11.0"), result.reason());
    }

    @Test
    void probeSaysWhenNd4jFailedEarlierInThisJvm() {
        var result =
                unavailable(
                        failingWith(
                                new NoClassDefFoundError(
                                        "Could not initialize class org.nd4j.linalg.factory.Nd4j")));
        assertTrue(result.reason().contains("already failed"), result.reason());
    }

    @Test
    void probeQuotesWhyNoNd4jBackendCanRun() {
        String message =
                Nd4jMessages.noUsableNd4jBackend(
                        List.of("JCublasBackend: No CUDA devices were found in system"));
        var result = unavailable(failingWith(new BackendException(message)));
        assertTrue(result.reason().contains("No CUDA devices were found"), result.reason());
    }

    @Test
    void probeQuotesTheChainOfAnUnexpectedInitialisationFailure() {
        var failure =
                new IllegalStateException(
                        "backend init failed", new IllegalArgumentException("bad property"));
        var result = unavailable(failingWith(failure));
        assertTrue(result.reason().contains("backend init failed"), result.reason());
        assertTrue(result.reason().contains("bad property"), result.reason());
    }

    @Test
    void probeReportsTheExpectedDeviceWithItsPriority() {
        Availability.Available available = Nd4jTestBackends.probeExpected();
        if (Nd4jTestBackends.expectedDevice() == DeviceKind.CUDA) {
            assertEquals(Nd4jBackendProvider.CUDA_PRIORITY, available.priority());
            assertTrue(available.device().contains("compute capability"), available.device());
        } else {
            assertEquals(Nd4jBackendProvider.CPU_PRIORITY, available.priority());
            assertTrue(available.device().contains("(ND4J 1.0.0-M2.1 native"), available.device());
        }
    }

    @Test
    void openFailsWithTheReasonWhenNd4jIsMissing() {
        var provider = new Nd4jBackendProvider(WITHOUT_ND4J, Nd4jRuntime::load);
        var e =
                assertThrows(
                        BackendException.class, () -> provider.open(BackendOptions.defaults()));
        assertTrue(e.getMessage().contains("ND4J is not on the class path"), e.getMessage());
    }

    @Test
    void openFailsWithTheCauseWhenTheNativeLibraryDoesNotLoad() {
        var provider = failingWith(new UnsatisfiedLinkError("no jnind4jcpu in java.library.path"));
        var e =
                assertThrows(
                        BackendException.class, () -> provider.open(BackendOptions.defaults()));
        assertTrue(e.getMessage().startsWith("Backend 'nd4j': "), e.getMessage());
        assertInstanceOf(UnsatisfiedLinkError.class, e.getCause());
    }

    @Test
    void openedBackendReportsItsIdThreadsAndThatItIsNotThreadSafe() {
        try (ComputeBackend backend = Nd4jTestBackends.openExpected(1)) {
            assertEquals(BackendId.of("nd4j"), backend.id());
            assertFalse(backend.isThreadSafe());
            if (Nd4jTestBackends.expectedDevice() == DeviceKind.CPU) {
                assertTrue(backend.device().startsWith("CPU, 1 thread ("), backend.device());
            }
        }
    }

    @Test
    void openedBackendUsesTheThreadCountItWasOpenedWith() {
        assumeTrue(Nd4jTestBackends.expectedDevice() == DeviceKind.CPU, "threads apply to the CPU");
        try (ComputeBackend backend = Nd4jTestBackends.openExpected(2)) {
            assertTrue(backend.device().startsWith("CPU, 2 threads ("), backend.device());
        }
    }

    @Test
    void closedBackendRefusesToFactorize() {
        ComputeBackend backend = Nd4jTestBackends.openExpected(1);
        backend.close();
        DenseMatrix a = DenseMatrix.wrap(1, 1, new double[] {1});
        assertThrows(IllegalStateException.class, () -> backend.factorize(a));
    }
}
