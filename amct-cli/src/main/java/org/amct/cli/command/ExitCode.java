package org.amct.cli.command;

/** The exit codes of the {@code amct} command. */
public enum ExitCode {
    /** The command did what was asked. */
    SUCCESS(0),
    /** An unexpected failure: a bug, or an I/O error while writing. */
    INTERNAL_ERROR(1),
    /** The command line is wrong (picocli's usage error). */
    USAGE(2),
    /** A model, weights, info file or output folder cannot be used. */
    INVALID_INPUT(3),
    /** No backend can run, or the requested one is unavailable. */
    BACKEND_UNAVAILABLE(4),
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
     * @return 0 to 4, or 130 and 143 for signals
     */
    public int code() {
        return code;
    }
}
