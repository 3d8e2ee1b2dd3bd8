package org.amct.backend.aparapi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the OpenCL device to compute on: a GPU before an accelerator before a CPU, then the one
 * with more compute units and memory; the first of these on which a float64 kernel builds wins.
 * Devices after the winner are not built for (that takes seconds on a CPU driver) and are reported
 * as not checked. Thread-safe (stateless).
 */
final class AparapiDeviceSelector {
    /** The priority of a GPU: above every CPU backend. */
    static final int GPU_PRIORITY = 300;

    /**
     * The priority of any other device (a CPU driver such as PoCL, an accelerator): below every CPU
     * backend, so it is used only when forced.
     */
    static final int OTHER_PRIORITY = 5;

    private static final Logger LOG = LoggerFactory.getLogger(AparapiDeviceSelector.class);

    private static final Comparator<AparapiDevice> PREFERENCE =
            Comparator.comparing(AparapiDevice::type)
                    .thenComparing(Comparator.comparingInt(AparapiDevice::computeUnits).reversed())
                    .thenComparing(
                            Comparator.comparingLong(AparapiDevice::globalMemoryBytes).reversed());

    private AparapiDeviceSelector() {}

    /**
     * Lists the runtime's devices and chooses one.
     *
     * @param runtime the OpenCL runtime
     * @return the chosen device, or why there is none
     */
    static AparapiDeviceSelection select(AparapiRuntime runtime) {
        Optional<String> noDriver = runtime.driverProblem();
        if (noDriver.isPresent()) {
            return new AparapiDeviceSelection.NoDevice(
                    noDriver.get(), AparapiMessages.INSTALL_HINT);
        }
        Optional<String> loadProblem = runtime.loadProblem();
        if (loadProblem.isPresent()) {
            return new AparapiDeviceSelection.NoDevice(
                    AparapiMessages.loadFailure(loadProblem.get()), AparapiMessages.INSTALL_HINT);
        }
        List<AparapiDevice> devices = new ArrayList<>(runtime.devices());
        if (devices.isEmpty()) {
            return new AparapiDeviceSelection.NoDevice(
                    "No OpenCL device: the OpenCL loader (libOpenCL.so.1) works but finds no"
                            + " platform with a device; no driver is installed or registered"
                            + " in /etc/OpenCL/vendors",
                    AparapiMessages.INSTALL_HINT);
        }
        devices.sort(PREFERENCE);
        List<String> rejected = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            AparapiDevice device = devices.get(i);
            Optional<String> problem = runtime.doublePrecisionProblem(device);
            if (problem.isEmpty()) {
                logDevices(devices, i, rejected);
                return chosen(device);
            }
            rejected.add(device.describe() + ": " + problem.get());
        }
        logDevices(devices, devices.size(), rejected);
        return new AparapiDeviceSelection.NoDevice(
                "No OpenCL device can run float64 kernels (cl_khr_fp64): "
                        + String.join("; ", rejected),
                AparapiMessages.INSTALL_HINT);
    }

    private static AparapiDeviceSelection chosen(AparapiDevice device) {
        int priority = device.type() == AparapiDeviceType.GPU ? GPU_PRIORITY : OTHER_PRIORITY;
        String description = device.describe() + ", float64";
        if (priority == OTHER_PRIORITY) {
            description += "; not a GPU, so used only when forced";
        }
        return new AparapiDeviceSelection.Chosen(device, priority, description);
    }

    private static void logDevices(List<AparapiDevice> devices, int chosen, List<String> rejected) {
        if (!LOG.isDebugEnabled()) {
            return;
        }
        for (String line : rejected) {
            LOG.debug("aparapi: rejected {}", line);
        }
        for (int i = chosen; i < devices.size(); i++) {
            String state = i == chosen ? "chosen (a float64 kernel builds):" : "not checked:";
            LOG.debug("aparapi: {} {}", state, devices.get(i).describe());
        }
    }
}
