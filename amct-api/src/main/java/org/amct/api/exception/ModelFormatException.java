package org.amct.api.exception;

/**
 * A model or weights file is malformed: bad magic, truncated, a size or offset that does not fit,
 * an unknown dtype, a duplicate name. The message names the file and the element.
 */
public class ModelFormatException extends AmctException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, where, and what to do
     */
    public ModelFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, where, and what to do
     * @param cause the underlying failure
     */
    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
