package org.amct.api.exception;

/**
 * A model does not match what a decomposition-info file or a state dict says about it (a missing
 * layer, a layer of another type, a different kernel size). The model is left unchanged.
 */
public class ModelMismatchException extends AmctException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, where, and what to do
     */
    public ModelMismatchException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, where, and what to do
     * @param cause the underlying failure
     */
    public ModelMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
