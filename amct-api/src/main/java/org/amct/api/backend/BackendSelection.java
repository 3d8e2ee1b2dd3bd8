package org.amct.api.backend;

import java.util.List;
import java.util.Objects;
import org.amct.spi.Availability;
import org.amct.spi.ComputeBackendProvider;

/**
 * The outcome of choosing a backend: the provider picked, why, and what every provider's probe
 * said.
 *
 * @param provider the chosen provider
 * @param chosen its probe report (available)
 * @param forced whether the user asked for it by id
 * @param reports the probe reports the choice looked at, chosen one included, best first: every
 *     provider's for the automatic choice, only the chosen one's for a request by id
 */
public record BackendSelection(
        ComputeBackendProvider provider,
        ProbeReport chosen,
        boolean forced,
        List<ProbeReport> reports) {
    /**
     * Copies the reports.
     *
     * @param provider the chosen provider
     * @param chosen its probe report (available)
     * @param forced whether the user asked for it by id
     * @param reports the probe reports the choice looked at, chosen one included, best first
     */
    public BackendSelection {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(chosen, "chosen");
        reports = List.copyOf(reports);
    }

    /**
     * The device the chosen backend will use.
     *
     * @return the probe's device description
     */
    public String device() {
        return ((Availability.Available) chosen.availability()).device();
    }
}
