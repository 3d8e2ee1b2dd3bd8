package org.amct.spi;

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
     * Opens the backend. Call only after {@link #probe()} said it is available.
     *
     * @param options the settings to open it with
     * @return an opened backend, owned and closed by the caller
     * @throws BackendException if it cannot be opened
     */
    ComputeBackend open(BackendOptions options);
}
