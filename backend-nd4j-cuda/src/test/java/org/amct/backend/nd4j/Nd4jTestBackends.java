package org.amct.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import org.amct.spi.Availability;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DeviceKind;

/**
 * The device this build expects ND4J to run on: {@link DeviceKind#CPU} in the default build
 * (nd4j-native), {@link DeviceKind#CUDA} with {@code -Pcuda} (nd4j-cuda-11.6), from the system
 * property {@value #EXPECTED_DEVICE_PROPERTY} that the pom sets. On the CPU the backend must be
 * available, so a broken ND4J fails the build; with {@code -Pcuda} a machine without a usable GPU
 * skips the tests that need it, quoting the probe's reason.
 */
final class Nd4jTestBackends {
    /** The system property naming the expected device kind. */
    static final String EXPECTED_DEVICE_PROPERTY = "amct.nd4j.expected-device";

    private Nd4jTestBackends() {}

    /**
     * The device kind this build expects.
     *
     * @return {@code CPU} unless the property says {@code CUDA}
     */
    static DeviceKind expectedDevice() {
        String value = System.getProperty(EXPECTED_DEVICE_PROPERTY, "CPU");
        return DeviceKind.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /**
     * Probes the real provider and checks the result against the expected device: fails on the CPU
     * when unavailable, skips on CUDA when unavailable.
     *
     * @return the availability, known to be available
     */
    static Availability.Available probeExpected() {
        Availability availability = new Nd4jBackendProvider().probe();
        if (availability instanceof Availability.Unavailable unavailable) {
            String reason = unavailable.reason() + " -- " + unavailable.hint();
            if (expectedDevice() == DeviceKind.CUDA) {
                assumeTrue(false, "ND4J's CUDA backend is unavailable here: " + reason);
            }
            fail("ND4J's CPU backend should be available in the default build: " + reason);
        }
        Availability.Available available = (Availability.Available) availability;
        String prefix = expectedDevice() == DeviceKind.CUDA ? "CUDA device " : "CPU, ";
        assertTrue(
                available.device().startsWith(prefix),
                "expected a "
                        + expectedDevice()
                        + " device, the probe says: "
                        + available.device());
        return available;
    }

    /**
     * Opens the backend on the expected device.
     *
     * @param threads the CPU thread count
     * @return the opened backend
     */
    static ComputeBackend openExpected(int threads) {
        probeExpected();
        return new Nd4jBackendProvider().open(new BackendOptions(threads));
    }
}
