package org.amct.spi;

/**
 * A backend failed to open or to compute. The message names the backend and, where known, the
 * matrix shape and the native routine that failed. Unchecked.
 */
public class BackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what failed and where
     */
    public BackendException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and its cause.
     *
     * @param message what failed and where
     * @param cause the underlying failure
     */
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
