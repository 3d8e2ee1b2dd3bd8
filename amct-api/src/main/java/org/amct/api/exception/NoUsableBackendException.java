package org.amct.api.exception;

/**
 * No compute backend can run: the requested one is unknown or unavailable (the message quotes its
 * probe), or none is available at all. Category {@link ErrorCategory#BACKEND}.
 */
public class NoUsableBackendException extends AmctException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, where, and what to do
     */
    public NoUsableBackendException(String message) {
        super(ErrorCategory.BACKEND, message, null);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, where, and what to do
     * @param cause the underlying failure
     */
    public NoUsableBackendException(String message, Throwable cause) {
        super(ErrorCategory.BACKEND, message, cause);
    }
}
