package org.amct.api.backend;

import java.util.Objects;
import org.amct.spi.Availability;
import org.amct.spi.BackendDescriptor;

/**
 * What probing one provider found.
 *
 * @param descriptor what the backend is
 * @param availability whether it can run here, and why not
 */
public record ProbeReport(BackendDescriptor descriptor, Availability availability) {
    /**
     * Checks that both parts are present.
     *
     * @param descriptor what the backend is
     * @param availability whether it can run here, and why not
     */
    public ProbeReport {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(availability, "availability");
    }

    /**
     * The priority when available, else {@link Integer#MIN_VALUE}.
     *
     * @return the priority used in the automatic choice
     */
    public int priority() {
        return availability instanceof Availability.Available a ? a.priority() : Integer.MIN_VALUE;
    }
}
