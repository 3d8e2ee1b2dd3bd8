package org.amct.backend.aparapi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amct.spi.BackendException;
import org.amct.spi.ComputeBackend;

/**
 * A runtime that stands in for a machine: its load problem, its devices, and which of them cannot
 * build float64 kernels. Opening throws, since no real device stands behind it.
 *
 * @param loadProblem why the OpenCL runtime does not load, or empty
 * @param devices the devices it lists
 * @param problems per device name, why float64 kernels do not build there
 */
record AparapiFakeRuntime(
        Optional<String> loadProblem, List<AparapiDevice> devices, Map<String, String> problems)
        implements AparapiRuntime {

    static AparapiFakeRuntime missingLibrary(String message) {
        return new AparapiFakeRuntime(Optional.of(message), List.of(), Map.of());
    }

    static AparapiFakeRuntime withDevices(Map<String, String> problems, AparapiDevice... devices) {
        return new AparapiFakeRuntime(Optional.empty(), List.of(devices), problems);
    }

    static AparapiDevice device(AparapiDeviceType type, String name, int computeUnits) {
        return new AparapiDevice(type, name, "Fake Platform", computeUnits, 8L << 30, 2L << 30, 1);
    }

    @Override
    public Optional<String> doublePrecisionProblem(AparapiDevice device) {
        return Optional.ofNullable(problems.get(device.name()));
    }

    @Override
    public ComputeBackend open(AparapiDevice device) {
        throw new BackendException("fake runtime cannot open " + device.describe());
    }
}
