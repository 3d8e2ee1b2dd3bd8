package org.amct.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
        Optional<OutOfMemoryError> oom = outOfMemory(cause);
        if (oom.isPresent()) {
            return outOfMemory(err, parseResult.originalArgs(), verbose ? oom.get() : null);
        }
        if (cause instanceof CommandLine.ParameterException usage) {
            return usage(usage, parseResult.originalArgs().toArray(String[]::new));
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

    /**
     * A bad command line: one {@code amct: error:} line and where to read more, never the whole
     * help. Picocli's parameter exception handler, also used for the checks commands make.
     *
     * @param usage what was wrong
     * @param args the command line
     * @return {@link ExitCode#USAGE}
     */
    static int usage(CommandLine.ParameterException usage, String[] args) {
        CommandLine command = usage.getCommandLine();
        PrintWriter err = command.getErr();
        String message = usage.getMessage() == null ? "bad command line" : usage.getMessage();
        message = message.strip().replaceAll("\\s*\\R\\s*", "; ");
        if (!message.isEmpty()
                && Character.isUpperCase(message.charAt(0))
                && !(message.length() > 1 && Character.isUpperCase(message.charAt(1)))) {
            message = Character.toLowerCase(message.charAt(0)) + message.substring(1);
        }
        String suggestion = "";
        if (usage instanceof CommandLine.UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            suggestion =
                    " (did you mean "
                            + String.join(
                                    " or ",
                                    unmatched
                                            .getSuggestions()
                                            .subList(
                                                    0,
                                                    Math.min(3, unmatched.getSuggestions().size())))
                            + "?)";
        }
        err.println("amct: error: " + message + suggestion);
        err.println("see '" + command.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return ExitCode.USAGE.code();
    }

    /** The out-of-memory error behind a failure (a worker thread's comes wrapped), if any. */
    static Optional<OutOfMemoryError> outOfMemory(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return Optional.of(oom);
            }
        }
        return Optional.empty();
    }

    /**
     * The Java heap ran out: says how big it is, about how big it should be for this model and how
     * to give it that ({@code AMCT_JAVA_OPTS}); exit code 3. Allocates little, since memory is
     * short: the work's objects are unreachable by the time this runs.
     *
     * @param err stderr
     * @param args the command line, to find the model file for the estimate
     * @param trace the error, for its stack trace under {@code --verbose}, or null
     * @return {@link ExitCode#INVALID_INPUT}
     */
    static int outOfMemory(PrintWriter err, List<String> args, OutOfMemoryError trace) {
        long heap = Runtime.getRuntime().maxMemory();
        long model = 0;
        for (String arg : args) {
            if (arg.endsWith(".onnx")) {
                try {
                    Path file = Path.of(arg);
                    model = Math.max(model, Files.size(file));
                    Path data = Path.of(arg + ".data");
                    if (Files.exists(data)) {
                        model = Math.max(model, Files.size(file) + Files.size(data));
                    }
                } catch (IOException | RuntimeException e) {
                    // Not a readable file: no estimate from it.
                }
            }
        }
        long needed = neededHeap(model, heap);
        err.println(
                "amct: error: out of memory: the Java heap is "
                        + mebibytes(heap)
                        + (model > 0 ? " and the model " + mebibytes(model) : "")
                        + "; a rerun needs about "
                        + mebibytes(needed)
                        + " (an estimate): set AMCT_JAVA_OPTS=-Xmx"
                        + ((needed + (256L << 20) - 1) >> 28) * 256
                        + "m (or more) and run again, or use a machine with more memory");
        if (trace != null) {
            trace.printStackTrace(err);
        }
        err.flush();
        return ExitCode.INVALID_INPUT.code();
    }

    /**
     * The heap a rerun needs, estimated: the model read (file bytes plus tensors, about twice its
     * size), the decomposed copy, and the largest layer's float64 matrix with its factors (up to
     * six times its float32 weight, which is at most the model's size); at least twice the heap
     * that was too small, and at least 512 MiB.
     *
     * @param modelBytes the model's size on disk, 0 if unknown
     * @param heap the heap that ran out
     * @return bytes
     */
    static long neededHeap(long modelBytes, long heap) {
        long estimate = 4 * modelBytes + (128L << 20);
        return Math.max(estimate, 2 * heap);
    }

    private static String mebibytes(long bytes) {
        return bytes >= 10L << 30
                ? (bytes >> 30) + " GiB"
                : String.format(java.util.Locale.ROOT, "%,.1f MiB", bytes / 1048576.0);
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
