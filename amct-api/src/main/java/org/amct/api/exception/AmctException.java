package org.amct.api.exception;

/** The root of the exceptions amct throws. Unchecked. */
public class AmctException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, where, and what to do
     */
    public AmctException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, where, and what to do
     * @param cause the underlying failure
     */
    public AmctException(String message, Throwable cause) {
        super(message, cause);
    }
}
