package org.amct.cli.command;

import org.amct.api.exception.AmctException;

/** A file or folder named on the command line cannot be used; exit code 3. */
final class InvalidInputException extends AmctException {
    private static final long serialVersionUID = 1L;

    InvalidInputException(String message) {
        super(message);
    }

    InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
