package org.amct.backend.example;

import org.amct.spi.Availability;
import org.amct.spi.BackendDescriptor;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.ComputeBackendProvider;
import org.amct.spi.DeviceKind;

// tag::provider[]
/**
 * The example backend's provider: always available, with priority {@value #PRIORITY} so that it is
 * used only when asked for by id ({@code --backend example}). Cheap to construct; thread-safe.
 */
public final class ExampleBackendProvider implements ComputeBackendProvider {
    /** The id users select it by. */
    static final BackendId ID = BackendId.of("example");

    /** Below every real backend: chosen only when requested. */
    static final int PRIORITY = 1;

    private static final BackendDescriptor DESCRIPTOR =
            new BackendDescriptor(ID, "Example (Gram + Jacobi, pure Java)", DeviceKind.CPU);

    /** Creates the provider; does no work (ServiceLoader calls this). */
    public ExampleBackendProvider() {}

    @Override
    public BackendDescriptor descriptor() {
        return DESCRIPTOR; // no native code, no device: never throws
    }

    @Override
    public Availability probe() {
        // A real backend looks for its library, driver and device here, catches LinkageError,
        // and returns Availability.unavailable(reason, hint) when something is missing.
        return Availability.available("CPU, 1 thread (example backend)", PRIORITY);
    }

    @Override
    public ComputeBackend open(BackendOptions options) {
        return new ExampleBackend();
    }
}
// end::provider[]
