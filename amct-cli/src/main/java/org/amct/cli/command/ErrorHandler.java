package org.amct.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.amct.api.exception.AmctException;
import org.amct.api.exception.DecompositionException;
import org.amct.api.exception.DecompositionInfoException;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.exception.NoUsableBackendException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns what a command throws into a message on stderr and an {@link ExitCode}: amct's own
 * exceptions and I/O errors print their message only (with the stack trace under {@code
 * --verbose}); anything else is a bug and prints its stack trace.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
            Exception exception, CommandLine commandLine, ParseResult parseResult) {
        Throwable cause =
                exception instanceof UncheckedIOException unchecked
                        ? unchecked.getCause()
                        : exception;
        boolean verbose =
                parseResult.originalArgs().contains("--verbose")
                        || parseResult.originalArgs().contains("-v");
        PrintWriter err = commandLine.getErr();
        if (cause instanceof CommandLine.ParameterException usage) {
            err.println("amct: " + usage.getMessage());
            err.flush();
            return ExitCode.USAGE.code();
        }
        boolean expected = cause instanceof AmctException || cause instanceof IOException;
        if (expected) {
            err.println("amct: error: " + message(cause));
        } else {
            err.println("amct: internal error (please report it): " + cause);
        }
        if (verbose || !expected) {
            cause.printStackTrace(err);
        }
        err.flush();
        return exitCode(cause).code();
    }

    private static String message(Throwable cause) {
        String message =
                cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return cause instanceof NoSuchFileException ? "no such file: " + message : message;
    }

    /**
     * The exit code for a failure.
     *
     * @param cause what was thrown
     * @return the code
     */
    static ExitCode exitCode(Throwable cause) {
        if (cause instanceof NoUsableBackendException) {
            return ExitCode.BACKEND_UNAVAILABLE;
        }
        if (cause instanceof ModelFormatException
                || cause instanceof DecompositionInfoException
                || cause instanceof ModelMismatchException
                || cause instanceof DecompositionException
                || cause instanceof InvalidInputException) {
            return ExitCode.INVALID_INPUT;
        }
        return ExitCode.INTERNAL_ERROR;
    }
}
