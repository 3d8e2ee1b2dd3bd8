package org.amct.cli.command;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.amct.api.exception.ErrorCategory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns what a command throws into a message on stderr and an {@link ExitCode}: amct's own
 * exceptions, a backend's failure and I/O errors print their message only, on one line (with the
 * stack trace under {@code --verbose}); anything else is a bug and prints its stack trace. The
 * codes: 3 for an invalid model, weights file, info file or output folder; 4 when no backend can
 * run, the requested one is unknown or unavailable, or the chosen one fails or returns an invalid
 * result; 5 for I/O errors; 1 for bugs. The mapping is {@link ExitCode#of}. Every message is listed
 * in {@code docs/errors.md}.
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
        boolean expected = ErrorCategory.of(cause) != ErrorCategory.INTERNAL;
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
        if (cause instanceof NoSuchFileException e) {
            return "no such file: " + e.getFile();
        }
        if (cause instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (cause instanceof FileSystemException e && e.getReason() != null) {
            return e.getFile() + ": " + e.getReason();
        }
        if (cause instanceof FileSystemException e) {
            return e.getFile() + ": " + e.getClass().getSimpleName();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /**
     * The exit code for a failure: the exit code of its {@link ErrorCategory}.
     *
     * @param cause what was thrown
     * @return the code
     */
    static ExitCode exitCode(Throwable cause) {
        return ExitCode.of(ErrorCategory.of(cause));
    }
}
