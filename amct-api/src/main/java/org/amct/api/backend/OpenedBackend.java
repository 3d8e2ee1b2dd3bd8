package org.amct.api.backend;

import java.util.Objects;
import org.amct.spi.ComputeBackend;

/**
 * A backend opened by {@link BackendCatalog#open}, and how it was chosen.
 *
 * @param backend the opened backend, owned and closed by the caller
 * @param selection the choice that led to it (the backend actually opened)
 */
public record OpenedBackend(ComputeBackend backend, BackendSelection selection) {
    /**
     * Checks that both parts are present.
     *
     * @param backend the opened backend
     * @param selection the choice that led to it
     */
    public OpenedBackend {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(selection, "selection");
    }
}
