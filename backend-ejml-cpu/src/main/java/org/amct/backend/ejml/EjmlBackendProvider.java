package org.amct.backend.ejml;

import org.amct.spi.Availability;
import org.amct.spi.BackendDescriptor;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.ComputeBackendProvider;
import org.amct.spi.DeviceKind;

/**
 * The pure-Java CPU backend on EJML: always available, priority {@value #PRIORITY} (the pure-Java
 * band). Found by {@link java.util.ServiceLoader}; cheap to construct. Thread-safe.
 */
public final class EjmlBackendProvider implements ComputeBackendProvider {
    /** The backend id users select it by. */
    static final BackendId ID = BackendId.of("ejml");

    /** Its rank in the automatic choice: the pure-Java band. */
    static final int PRIORITY = 100;

    /** The EJML version this backend is built and tested against. */
    static final String EJML_VERSION = "0.44";

    private static final BackendDescriptor DESCRIPTOR =
            new BackendDescriptor(ID, "EJML (pure Java)", DeviceKind.CPU);

    /** Creates the provider; does no work. */
    public EjmlBackendProvider() {}

    @Override
    public BackendDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Availability probe() {
        return Availability.available(
                device(BackendOptions.defaults().effectiveThreads()), PRIORITY);
    }

    @Override
    public ComputeBackend open(BackendOptions options) {
        int threads = options.effectiveThreads();
        return new EjmlBackend(threads, device(threads));
    }

    private static String device(int threads) {
        return "CPU, "
                + threads
                + (threads == 1 ? " thread" : " threads")
                + " (EJML "
                + EJML_VERSION
                + ", pure Java)";
    }
}
