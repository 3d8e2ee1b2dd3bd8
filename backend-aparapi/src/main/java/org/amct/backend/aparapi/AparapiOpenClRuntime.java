package org.amct.backend.aparapi;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;
import com.aparapi.natives.NativeLoader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.amct.backend.aparapi.kernel.AparapiDoubleCheckKernel;
import org.amct.spi.BackendException;
import org.amct.spi.ComputeBackend;

/**
 * The real OpenCL runtime, through Aparapi: its native library ({@code libaparapi.so}, which links
 * the system's {@code libOpenCL.so.1}), its platform and device lists, and its kernel builder.
 *
 * <p>Aparapi loads its native library once per process, when its classes first need it, and caches
 * the platform list; a failed load is only logged there, so {@link #loadProblem()} tries the load
 * again to learn the loader's message. Thread-safe (stateless; Aparapi synchronizes).
 */
final class AparapiOpenClRuntime implements AparapiRuntime {

    @Override
    public Optional<String> driverProblem() {
        return AparapiIcdRegistry.missingDriver(
                System::getenv,
                AparapiIcdRegistry.DEFAULT_VENDORS,
                System.getProperty("os.name", ""));
    }

    @Override
    public OptionalInt priorityCeiling() {
        return AparapiIcdRegistry.priorityCeiling(
                System::getenv,
                AparapiIcdRegistry.DEFAULT_VENDORS,
                System.getProperty("os.name", ""));
    }

    @Override
    public Optional<String> loadProblem() {
        if (OpenCLLoader.isOpenCLAvailable()) {
            return Optional.empty();
        }
        try {
            NativeLoader.load();
            return Optional.of("Aparapi did not load it when first used; see its log");
        } catch (IOException | UnsatisfiedLinkError e) {
            return Optional.of(firstLine(e.getMessage()));
        }
    }

    @Override
    public List<AparapiDevice> devices() {
        List<AparapiDevice> devices = new ArrayList<>();
        for (OpenCLPlatform platform : new OpenCLPlatform().getOpenCLPlatforms()) {
            for (OpenCLDevice device : platform.getOpenCLDevices()) {
                devices.add(
                        new AparapiDevice(
                                typeOf(device.getType()),
                                String.valueOf(device.getName()),
                                String.valueOf(platform.getName()),
                                device.getMaxComputeUnits(),
                                device.getGlobalMemSize(),
                                device.getMaxMemAllocSize(),
                                device.getDeviceId()));
            }
        }
        return devices;
    }

    @Override
    public Optional<String> doublePrecisionProblem(AparapiDevice device) {
        try {
            AparapiPinnedKernel.compile(
                            new AparapiDoubleCheckKernel(),
                            "float64 check",
                            openClDevice(device),
                            device.describe())
                    .dispose();
            return Optional.empty();
        } catch (BackendException e) {
            if (e.getCause() instanceof CompileFailedException) {
                return Optional.of(
                        "a float64 kernel does not build: " + firstLine(e.getCause().getMessage()));
            }
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public ComputeBackend open(AparapiDevice device) {
        return AparapiBackend.open(openClDevice(device), device);
    }

    /**
     * The first non-blank line of a message: Aparapi's build errors carry the whole build log, and
     * sometimes garbage after it.
     *
     * @param message a message, possibly null
     * @return its first non-blank line, or {@code "no message"}
     */
    static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        return message.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .findFirst()
                .orElse("no message");
    }

    private static OpenCLDevice openClDevice(AparapiDevice device) {
        for (OpenCLPlatform platform : new OpenCLPlatform().getOpenCLPlatforms()) {
            for (OpenCLDevice candidate : platform.getOpenCLDevices()) {
                if (candidate.getDeviceId() == device.handle()) {
                    return candidate;
                }
            }
        }
        throw new BackendException(
                "Backend 'aparapi': " + device.describe() + " is no longer listed by OpenCL");
    }

    private static AparapiDeviceType typeOf(Device.TYPE type) {
        if (type == null) {
            return AparapiDeviceType.OTHER;
        }
        return switch (type) {
            case GPU -> AparapiDeviceType.GPU;
            case ACC -> AparapiDeviceType.ACCELERATOR;
            case CPU -> AparapiDeviceType.CPU;
            default -> AparapiDeviceType.OTHER;
        };
    }
}
