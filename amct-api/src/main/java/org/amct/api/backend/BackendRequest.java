package org.amct.api.backend;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.amct.api.exception.NoUsableBackendException;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;

/**
 * The one place that reads the backend override from the environment: the system property {@value
 * #PROPERTY} wins over the environment variable {@value #ENVIRONMENT_VARIABLE}; an id given through
 * the API or the CLI wins over both.
 */
public final class BackendRequest {
    /** The system property that forces a backend. */
    public static final String PROPERTY = "amct.backend";

    /** The environment variable that forces a backend. */
    public static final String ENVIRONMENT_VARIABLE = "AMCT_BACKEND";

    private BackendRequest() {}

    /**
     * The backend the user asked for.
     *
     * @param explicit an id given through the API or CLI, which wins
     * @return the requested id, or empty for the automatic choice
     * @throws NoUsableBackendException if the property or variable holds an invalid id
     */
    public static Optional<BackendId> resolve(Optional<BackendId> explicit) {
        return resolve(explicit, System::getProperty, System::getenv);
    }

    /**
     * Resolves the request and selects the backend; when the id came from the property or the
     * variable and cannot be used, the error names that setting and its value, so the user knows
     * where to fix it.
     *
     * @param catalog the backends found
     * @param explicit an id given through the API or CLI, which wins
     * @return the selection
     * @throws NoUsableBackendException if the requested id is invalid, unknown or unavailable, or
     *     no backend is available
     */
    public static BackendSelection select(BackendCatalog catalog, Optional<BackendId> explicit) {
        return select(catalog, explicit, System::getProperty, System::getenv);
    }

    static BackendSelection select(
            BackendCatalog catalog,
            Optional<BackendId> explicit,
            UnaryOperator<String> properties,
            UnaryOperator<String> environment) {
        return attributed(explicit, properties, environment, catalog::select);
    }

    /**
     * Resolves the request and opens the backend ({@link BackendCatalog#open}); when the id came
     * from the property or the variable and cannot be used, the error names that setting and its
     * value.
     *
     * @param catalog the backends found
     * @param explicit an id given through the API or CLI, which wins
     * @param options the settings to open it with
     * @return the opened backend
     * @throws NoUsableBackendException if the requested id is invalid, unknown or unavailable, or
     *     no backend can be opened
     */
    public static OpenedBackend open(
            BackendCatalog catalog, Optional<BackendId> explicit, BackendOptions options) {
        return attributed(
                explicit,
                System::getProperty,
                System::getenv,
                requested -> catalog.open(requested, options));
    }

    private static <T> T attributed(
            Optional<BackendId> explicit,
            UnaryOperator<String> properties,
            UnaryOperator<String> environment,
            Function<Optional<BackendId>, T> action) {
        Optional<BackendId> requested = resolve(explicit, properties, environment);
        try {
            return action.apply(requested);
        } catch (NoUsableBackendException e) {
            if (explicit.isPresent() || requested.isEmpty()) {
                throw e;
            }
            String property = properties.apply(PROPERTY);
            String origin =
                    property != null && !property.isBlank()
                            ? "system property -D" + PROPERTY + "=" + property.trim()
                            : "environment variable "
                                    + ENVIRONMENT_VARIABLE
                                    + "="
                                    + requested.get();
            throw new NoUsableBackendException(
                    "The backend comes from the " + origin + ": " + e.getMessage(), e);
        }
    }

    static Optional<BackendId> resolve(
            Optional<BackendId> explicit,
            UnaryOperator<String> properties,
            UnaryOperator<String> environment) {
        if (explicit.isPresent()) {
            return explicit;
        }
        Optional<BackendId> fromProperty =
                parse(properties.apply(PROPERTY), "system property -D" + PROPERTY);
        if (fromProperty.isPresent()) {
            return fromProperty;
        }
        return parse(
                environment.apply(ENVIRONMENT_VARIABLE),
                "environment variable " + ENVIRONMENT_VARIABLE);
    }

    private static Optional<BackendId> parse(String value, String source) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(BackendId.of(value.trim()));
        } catch (IllegalArgumentException e) {
            throw new NoUsableBackendException(
                    "The "
                            + source
                            + " is '"
                            + value
                            + "', which is not a backend id: "
                            + e.getMessage(),
                    e);
        }
    }
}
