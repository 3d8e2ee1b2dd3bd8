package org.amct.calibration;

import org.amct.api.exception.AmctException;

/**
 * ONNX Runtime cannot load or run a model, or its outputs cannot be compared. The message names the
 * model file and what ONNX Runtime said.
 */
public class InferenceException extends AmctException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and where
     */
    public InferenceException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed and where
     * @param cause the underlying failure
     */
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
