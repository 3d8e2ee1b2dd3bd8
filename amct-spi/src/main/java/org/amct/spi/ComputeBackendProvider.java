package org.amct.spi;

import java.util.OptionalInt;

/**
 * The service type that {@link java.util.ServiceLoader} finds. An implementation is public, final,
 * has a public no-argument constructor, and is cheap to construct: neither the constructor nor
 * {@link #descriptor()} loads native code, touches a device or throws.
 */
public interface ComputeBackendProvider {

    /**
     * What this backend is. Cheap and side-effect free.
     *
     * @return the descriptor
     */
    BackendDescriptor descriptor();

    /**
     * Detects whether the backend can run on this machine: native libraries, drivers, devices,
     * float64 support. Never throws for expected cases (missing library, no device); a missing
     * native library is reported in the reason. May be slow the first time; callers cache it.
     *
     * @return available with device and priority, or unavailable with reason and hint
     */
    Availability probe();

    /**
     * The highest priority {@link #probe()} could report on this machine, when the provider knows
     * it without loading native code or touching a device (for example: only CPU OpenCL drivers are
     * registered, so no GPU can be found). The automatic choice does not probe a backend whose
     * ceiling is below the priority of an available backend it has already found, so that a backend
     * that cannot win loads nothing and prints nothing. Cheap and side-effect free, like {@link
     * #descriptor()}.
     *
     * @return the ceiling, or empty (the default) when only the probe can tell
     */
    default OptionalInt priorityCeiling() {
        return OptionalInt.empty();
    }

    /**
     * Opens the backend. Call only after {@link #probe()} said it is available.
     *
     * @param options the settings to open it with
     * @return an opened backend, owned and closed by the caller
     * @throws BackendException if it cannot be opened
     */
    ComputeBackend open(BackendOptions options);
}
