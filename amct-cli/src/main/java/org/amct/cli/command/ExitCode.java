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
    /** The decomposed model's mean output cosine is below {@code --min-cosine}. */
    BELOW_MIN_COSINE(6);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /**
     * The process exit status.
     *
     * @return 0 to 6
     */
    public int code() {
        return code;
    }
}
