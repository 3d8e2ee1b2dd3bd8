package org.amct.cli.command;

import org.amct.api.exception.ErrorCategory;

/**
 * The exit codes of the {@code amct} command. A failure's {@link ErrorCategory} decides its code,
 * here and nowhere else ({@link #of(ErrorCategory)}).
 */
public enum ExitCode {
    /** The command did what was asked. */
    SUCCESS(0),
    /** An unexpected failure: a bug in amct. */
    INTERNAL_ERROR(1),
    /** The command line is wrong (picocli's usage error). */
    USAGE(2),
    /** A model, weights, info file or output folder cannot be used. */
    INVALID_INPUT(3),
    /**
     * No backend can run, the requested one is unknown or unavailable, or the chosen one failed or
     * returned an invalid result.
     */
    BACKEND_UNAVAILABLE(4),
    /** Reading or writing a file failed: a missing file, a full disk, no permission. */
    IO_ERROR(5),
    /**
     * Interrupted by SIGINT (Ctrl-C): the JVM's own status (128 + 2) after the shutdown hook
     * removed the run's staging folder; the output folder is as it was.
     */
    INTERRUPTED(130),
    /**
     * Terminated by SIGTERM: the JVM's own status (128 + 15) after the shutdown hook removed the
     * run's staging folder; the output folder is as it was.
     */
    TERMINATED(143);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /**
     * The process exit status.
     *
     * @return 0 to 5, or 130 and 143 for signals
     */
    public int code() {
        return code;
    }

    /**
     * The exit code of a failure of the given category.
     *
     * @param category the category of what was thrown
     * @return the code
     */
    public static ExitCode of(ErrorCategory category) {
        return switch (category) {
            case INPUT -> INVALID_INPUT;
            case BACKEND -> BACKEND_UNAVAILABLE;
            case IO -> IO_ERROR;
            case INTERNAL -> INTERNAL_ERROR;
        };
    }
}
