package org.amct.api.exception;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.amct.spi.BackendException;

/**
 * What kind of failure an exception is, so that a caller can react without testing every exception
 * type: an input the user can fix, a backend that cannot run or gave a wrong answer, an I/O
 * failure, or a bug. The CLI maps each category to one exit code (docs/errors.md).
 */
public enum ErrorCategory {
    /** A model, weights file, decomposition-info file or argument cannot be used as given. */
    INPUT,
    /**
     * No backend can run, the requested one is unknown or unavailable, or the chosen one failed or
     * returned an invalid result.
     */
    BACKEND,
    /** Reading or writing a file failed (a missing file, a full disk, no permission). */
    IO,
    /** Anything else: a bug in amct. */
    INTERNAL;

    /**
     * The category of a failure: {@link #BACKEND} when a {@link BackendException} is anywhere in
     * the cause chain (a backend's failure wrapped with the layer's name is still the backend's);
     * otherwise an {@link AmctException} says its own; an {@link IOException}, or an {@link
     * UncheckedIOException} around one, is {@link #IO}; anything else is {@link #INTERNAL}.
     *
     * @param failure what was thrown
     * @return its category
     */
    public static ErrorCategory of(Throwable failure) {
        java.util.Objects.requireNonNull(failure, "failure");
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BackendException) {
                return BACKEND;
            }
        }
        if (failure instanceof AmctException amct) {
            return amct.category();
        }
        if (failure instanceof IOException || failure instanceof UncheckedIOException) {
            return IO;
        }
        return INTERNAL;
    }
}
