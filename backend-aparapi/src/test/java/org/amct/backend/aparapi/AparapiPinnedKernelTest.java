package org.amct.backend.aparapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aparapi.device.OpenCLDevice;
import org.amct.backend.aparapi.kernel.AparapiLaunchFailureKernel;
import org.amct.backend.aparapi.kernel.AparapiSquaresKernel;
import org.amct.backend.aparapi.kernel.AparapiUntranslatableKernel;
import org.amct.spi.BackendException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No silent fallback: a kernel that cannot run on its device fails with the device and Aparapi's
 * reason instead of running in Aparapi's Java thread pool. Runs on this machine's OpenCL device.
 */
class AparapiPinnedKernelTest {
    private static OpenCLDevice device;
    private static String description;

    @BeforeAll
    static void findDevice() {
        var selection = AparapiDeviceSelector.select(new AparapiOpenClRuntime());
        if (!(selection instanceof AparapiDeviceSelection.Chosen)) {
            return;
        }
        AparapiDevice chosen = ((AparapiDeviceSelection.Chosen) selection).device();
        device =
                OpenCLDevice.listDevices(null).stream()
                        .filter(candidate -> candidate.getDeviceId() == chosen.handle())
                        .findFirst()
                        .orElseThrow();
        description = chosen.describe();
    }

    @BeforeEach
    void skipWithoutDevice() {
        AparapiTestDevices.requireDevice();
    }

    @Test
    void runsAKernelOnTheDeviceAndReturnsItsResult() {
        AparapiPinnedKernel<AparapiSquaresKernel> pinned =
                AparapiPinnedKernel.compile(
                        new AparapiSquaresKernel(), "squares", device, description);
        double[] values = new double[100];
        pinned.kernel().bind(values);
        pinned.runOnce(values.length, pinned.kernel()::download);
        double[] expected = new double[100];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (double) i * i;
        }
        assertArrayEquals(expected, values);
        pinned.dispose();
    }

    @Test
    void buildFailureNamesKernelDeviceAndAparapiReason() {
        var e =
                assertThrows(
                        BackendException.class,
                        () ->
                                AparapiPinnedKernel.compile(
                                        new AparapiUntranslatableKernel(),
                                        "untranslatable",
                                        device,
                                        description));
        assertTrue(e.getMessage().contains("untranslatable kernel"), e.getMessage());
        assertTrue(e.getMessage().contains(description), e.getMessage());
    }

    @Test
    void kernelThatCannotRunOnTheDeviceFailsInsteadOfRunningElsewhere() {
        var pinned =
                new AparapiPinnedKernel<>(
                        new AparapiUntranslatableKernel(),
                        "untranslatable",
                        device,
                        description,
                        64);
        var e = assertThrows(BackendException.class, () -> pinned.run(64, 1));
        assertTrue(e.getMessage().contains("did not run on " + description), e.getMessage());
        assertTrue(e.getMessage().contains("Aparapi said:"), e.getMessage());
    }

    @Test
    void launchFailureOnTheDeviceFailsWithAparapisReason() {
        AparapiLaunchFailureKernel kernel = new AparapiLaunchFailureKernel();
        AparapiPinnedKernel.compile(kernel, "squares", device, description);
        int tooLarge = device.getMaxWorkGroupSize() * 2;
        var pinned = new AparapiPinnedKernel<>(kernel, "squares", device, description, tooLarge);
        kernel.bind(new double[tooLarge]);
        kernel.upload();
        var e = assertThrows(BackendException.class, () -> pinned.run(tooLarge, 1));
        assertTrue(e.getMessage().contains("squares kernel did not run"), e.getMessage());
        assertTrue(e.getMessage().contains("runKernelJNI returned"), e.getMessage());
    }
}
