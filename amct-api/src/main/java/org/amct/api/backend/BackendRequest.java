package org.amct.api.backend;

import java.util.Optional;
import java.util.function.UnaryOperator;
import org.amct.api.exception.NoUsableBackendException;
import org.amct.spi.BackendId;

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
