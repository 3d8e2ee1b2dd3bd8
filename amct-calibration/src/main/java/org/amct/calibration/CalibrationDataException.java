package org.amct.calibration;

import org.amct.api.exception.AmctException;

/**
 * Calibration data cannot be used: a file is not a {@code .npy} array, has an unsupported dtype, or
 * its samples do not fit the model's input. The message names the file, the input, and the expected
 * and actual shapes.
 */
public class CalibrationDataException extends AmctException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, where, and what to do
     */
    public CalibrationDataException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, where, and what to do
     * @param cause the underlying failure
     */
    public CalibrationDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
