package org.amct.api.exception;

/**
 * Decomposing a layer failed: invalid weights (NaN or infinity), a backend failure, or too little
 * memory. The message names the layer. Invalid weights and too little memory are {@link
 * ErrorCategory#INPUT}; a backend's failure or invalid result is {@link ErrorCategory#BACKEND}.
 */
public class DecompositionException extends AmctException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, where, and what to do
     */
    public DecompositionException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, where, and what to do
     * @param cause the underlying failure
     */
    public DecompositionException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception in the given category, for example {@link ErrorCategory#BACKEND} when
     * the backend failed or returned an invalid result.
     *
     * @param category the kind of failure
     * @param message what failed, where, and what to do
     * @param cause the underlying failure, or {@code null}
     */
    public DecompositionException(ErrorCategory category, String message, Throwable cause) {
        super(category, message, cause);
    }
}
