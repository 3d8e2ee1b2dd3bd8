package org.amct.backend.aparapi;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.exception.QueryFailedException;
import com.aparapi.internal.kernel.KernelManager;
import com.aparapi.internal.kernel.KernelPreferences;
import com.aparapi.internal.kernel.KernelProfile;
import java.util.List;
import java.util.Objects;
import org.amct.backend.aparapi.kernel.AparapiExplicitKernel;
import org.amct.spi.BackendException;

/**
 * A kernel built for one OpenCL device and run only there. Aparapi, when a kernel fails on its
 * device, quietly runs it somewhere else (the next device, finally a Java thread pool); this class
 * gives every execution a range pinned to the device and checks afterwards that the kernel ran
 * there and nowhere else. If it did not, it throws {@link BackendException} naming the kernel, the
 * device and Aparapi's reason: a run never continues elsewhere.
 *
 * <p>With a pinned range and an explicit work-group size, Aparapi, once the device failed, finds
 * nothing else it may run the range on and throws {@link AssertionError}; this class turns that
 * into the exception above (the one place the module catches an {@link Error}: it is how Aparapi
 * reports the failure). Should a version of Aparapi fall back quietly instead, two independent
 * signs still show it: Aparapi added the device to the kernel's failed devices during the
 * execution, or the last device Aparapi started the kernel on is not this one. Aparapi keeps a
 * device it marked failed out of that kernel class's devices for the rest of the JVM.
 *
 * <p>Not thread-safe: one caller runs the kernel at a time.
 *
 * @param <K> the kernel type
 */
final class AparapiPinnedKernel<K extends Kernel & AparapiExplicitKernel> {
    private static final int PREFERRED_LOCAL_SIZE = 64;

    private final K kernel;
    private final String name;
    private final OpenCLDevice device;
    private final String deviceDescription;
    private final int localSize;

    /**
     * Wraps a kernel without building it; {@link #compile} is the way in, tests use this to run
     * kernels that fail on the device.
     */
    AparapiPinnedKernel(
            K kernel, String name, OpenCLDevice device, String deviceDescription, int localSize) {
        this.kernel = kernel;
        this.name = name;
        this.device = device;
        this.deviceDescription = deviceDescription;
        this.localSize = localSize;
    }

    /**
     * Builds a kernel for a device and runs it once with nothing bound, which shows that it runs
     * there (and which Aparapi needs before it can dispose of the kernel without crashing).
     *
     * @param kernel the kernel; owned by the result from now on
     * @param name the kernel's name in messages, for example {@code "Gram"}
     * @param device the OpenCL device
     * @param deviceDescription the device in messages
     * @param <K> the kernel type
     * @return the built kernel
     * @throws BackendException if Aparapi cannot build the kernel for the device, or the first run
     *     did not happen there
     */
    static <K extends Kernel & AparapiExplicitKernel> AparapiPinnedKernel<K> compile(
            K kernel, String name, OpenCLDevice device, String deviceDescription) {
        Objects.requireNonNull(kernel, "kernel");
        ignoreGlobalExecutionMode(kernel);
        try {
            kernel.compile(device);
            int limit =
                    Math.min(
                            device.getMaxWorkGroupSize(), kernel.getKernelMaxWorkGroupSize(device));
            int localSize = Math.max(1, Math.min(PREFERRED_LOCAL_SIZE, limit));
            AparapiPinnedKernel<K> pinned =
                    new AparapiPinnedKernel<>(kernel, name, device, deviceDescription, localSize);
            pinned.freeBuffers();
            return pinned;
        } catch (CompileFailedException | QueryFailedException e) {
            // Not disposed: Aparapi's native dispose crashes on a kernel that never ran. The
            // driver frees what the failed build left when the process exits.
            throw new BackendException(
                    "Backend 'aparapi': Aparapi could not build the "
                            + name
                            + " kernel for "
                            + deviceDescription
                            + ": "
                            + AparapiOpenClRuntime.firstLine(e.getMessage()),
                    e);
        }
    }

    /**
     * The kernel, to bind arrays and transfer them.
     *
     * @return the kernel
     */
    K kernel() {
        return kernel;
    }

    /**
     * Runs the kernel on the device and checks that it ran there.
     *
     * @param workItems the work-items needed, {@code >= 1}; the range is rounded up to whole
     *     work-groups, so the kernel ignores work-items past its own count
     * @param passes the number of passes, {@code >= 1}, run in order
     * @throws BackendException if the kernel failed, or Aparapi ran it anywhere but on the device
     */
    void run(int workItems, int passes) {
        int globalSize =
                Math.toIntExact(((long) workItems + localSize - 1) / localSize * localSize);
        Range range = Range.create(device, globalSize, localSize);
        KernelPreferences preferences = KernelManager.instance().getPreferences(kernel);
        KernelProfile profile = KernelManager.instance().getProfile(kernel.getClass());
        boolean failedBefore = preferences.getFailedDevices().contains(device);
        List<String> aparapiMessages;
        try (AparapiLogCapture capture = AparapiLogCapture.start()) {
            try {
                kernel.execute(range, passes);
            } catch (AssertionError e) {
                // Aparapi's signal that the device failed and the pinned range left it nowhere
                // else to go: it asserts that the range's device is still usable.
                throw new BackendException(fallbackMessage(capture.messages()), e);
            } catch (RuntimeException e) {
                throw new BackendException(
                        "Backend 'aparapi': the " + name + " kernel failed on " + deviceDescription,
                        e);
            }
            aparapiMessages = capture.messages();
        }
        boolean failedNow = !failedBefore && preferences.getFailedDevices().contains(device);
        boolean ranHere = profile.getLastDeviceProfile() == profile.getDeviceProfile(device);
        if (failedNow || !ranHere) {
            throw new BackendException(fallbackMessage(aparapiMessages));
        }
    }

    /**
     * Runs the kernel once on the arrays bound to it: uploads them, runs one pass, downloads the
     * result, and frees the buffers again ({@link #freeBuffers()}); on failure it only unbinds.
     *
     * @param workItems the work-items needed, {@code >= 1}
     * @param download copies the result back from the device into its bound array
     * @throws BackendException if the kernel failed or did not run on the device
     */
    void runOnce(int workItems, Runnable download) {
        boolean done = false;
        try {
            kernel.upload();
            run(workItems, 1);
            download.run();
            done = true;
        } finally {
            if (done) {
                freeBuffers();
            } else {
                unbind();
            }
        }
    }

    /**
     * Unbinds the kernel's arrays and runs it once with nothing bound, so that Aparapi frees the
     * device buffers of the last run now rather than at the next one.
     *
     * @throws BackendException if that run did not happen on the device
     */
    void freeBuffers() {
        kernel.release();
        kernel.upload();
        run(1, 1);
    }

    /** Unbinds the kernel's arrays on the host only; used on the way out of a failure. */
    void unbind() {
        kernel.release();
    }

    /** Releases the kernel's OpenCL resources; the kernel cannot run afterwards. */
    void dispose() {
        kernel.dispose();
    }

    private String fallbackMessage(List<String> aparapiMessages) {
        Device elsewhere = kernel.getTargetDevice();
        String where = elsewhere == null ? "another device" : elsewhere.getShortDescription();
        String reason =
                aparapiMessages.isEmpty()
                        ? "Aparapi logged no reason (is the 'com.aparapi' java.util.logging"
                                + " level above WARNING?)"
                        : "Aparapi said: " + String.join(" | ", aparapiMessages);
        return "Backend 'aparapi': the "
                + name
                + " kernel did not run on "
                + deviceDescription
                + "; Aparapi gave up on the device (it would run the kernel on "
                + where
                + " instead, which this backend does not allow). "
                + reason;
    }

    /**
     * Puts the kernel in Aparapi's {@code AUTO} mode, in which it runs on the device its range
     * names. The deprecated execution modes are still what the system property {@code
     * com.aparapi.executionMode} selects for every kernel (for example {@code JTP}, the thread
     * pool); this backend does not let that property move its kernels.
     */
    @SuppressWarnings("deprecation")
    private static void ignoreGlobalExecutionMode(Kernel kernel) {
        kernel.setExecutionMode(Kernel.EXECUTION_MODE.AUTO);
    }
}
