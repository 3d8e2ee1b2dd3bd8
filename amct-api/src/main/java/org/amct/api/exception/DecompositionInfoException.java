package org.amct.api.exception;

/**
 * A decomposition-info file cannot be read: not JSON, a missing or unknown field, a wrong type, or
 * values that contradict each other. The message gives the file and the JSON location.
 */
public class DecompositionInfoException extends AmctException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, where, and what to do
     */
    public DecompositionInfoException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, where, and what to do
     * @param cause the underlying failure
     */
    public DecompositionInfoException(String message, Throwable cause) {
        super(message, cause);
    }
}
