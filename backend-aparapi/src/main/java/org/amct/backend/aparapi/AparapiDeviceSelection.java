package org.amct.backend.aparapi;

import java.util.Objects;

/**
 * The outcome of looking for an OpenCL device: the {@link Chosen} one with its priority, or {@link
 * NoDevice} with the reason and what to install.
 */
sealed interface AparapiDeviceSelection
        permits AparapiDeviceSelection.Chosen, AparapiDeviceSelection.NoDevice {

    /**
     * A device with float64 was found.
     *
     * @param device the device the backend will compute on
     * @param priority its priority in the automatic choice of backend
     * @param description what users are told, including float64 support
     */
    record Chosen(AparapiDevice device, int priority, String description)
            implements AparapiDeviceSelection {
        /** Checks that no component is null. */
        public Chosen {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(description, "description");
        }
    }

    /**
     * No usable device.
     *
     * @param reason what is missing, naming the devices found and why each was rejected
     * @param hint what to install
     */
    record NoDevice(String reason, String hint) implements AparapiDeviceSelection {
        /** Checks that no component is null. */
        public NoDevice {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(hint, "hint");
        }
    }
}
