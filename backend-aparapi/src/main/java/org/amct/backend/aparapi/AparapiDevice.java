package org.amct.backend.aparapi;

import java.util.Locale;
import java.util.Objects;

/**
 * One OpenCL device as the probe found it: what users are told about it, and the driver's handle
 * that finds it again when the backend opens.
 *
 * @param type the device type the driver reports
 * @param name the device name, for example {@code "NVIDIA H100 80GB HBM3"}
 * @param platform the OpenCL platform (driver) name, for example {@code "Portable Computing
 *     Language"}
 * @param computeUnits the number of compute units ({@code CL_DEVICE_MAX_COMPUTE_UNITS})
 * @param globalMemoryBytes the device memory ({@code CL_DEVICE_GLOBAL_MEM_SIZE})
 * @param maxAllocationBytes the largest single buffer ({@code CL_DEVICE_MAX_MEM_ALLOC_SIZE})
 * @param handle the driver's {@code cl_device_id}, only meaningful in this process
 */
record AparapiDevice(
        AparapiDeviceType type,
        String name,
        String platform,
        int computeUnits,
        long globalMemoryBytes,
        long maxAllocationBytes,
        long handle) {
    private static final double GIB = 1024.0 * 1024.0 * 1024.0;

    /** Checks that the texts are present. */
    AparapiDevice {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(platform, "platform");
    }

    /**
     * A one-line description for users.
     *
     * @return for example {@code "OpenCL CPU 'pthread-skylake' on 'Portable Computing Language' (2
     *     compute units, 4.2 GiB)"}
     */
    String describe() {
        return String.format(
                Locale.ROOT,
                "OpenCL %s '%s' on '%s' (%d compute units, %.1f GiB)",
                type.label(),
                name.strip(),
                platform.strip(),
                computeUnits,
                globalMemoryBytes / GIB);
    }
}
