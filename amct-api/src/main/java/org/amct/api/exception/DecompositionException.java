package org.amct.api.exception;

/**
 * Decomposing a layer failed: invalid weights (NaN or infinity), a backend failure, or too little
 * memory. The message names the layer.
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
}
