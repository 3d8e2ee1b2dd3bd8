package org.amct.spi;

import java.util.Objects;

/**
 * What a backend is, known without touching any hardware or native library.
 *
 * @param id the identifier users select it by
 * @param displayName a short human-readable name, for example {@code "EJML (pure Java)"}
 * @param deviceKind the kind of device it computes on when available
 */
public record BackendDescriptor(BackendId id, String displayName, DeviceKind deviceKind) {
    /**
     * Checks that no component is null.
     *
     * @param id the identifier users select it by
     * @param displayName a short human-readable name, for example {@code "EJML (pure Java)"}
     * @param deviceKind the kind of device it computes on when available
     */
    public BackendDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(deviceKind, "deviceKind");
    }
}
