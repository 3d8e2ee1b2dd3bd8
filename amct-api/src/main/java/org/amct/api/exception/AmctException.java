package org.amct.api.exception;

/**
 * The root of the exceptions amct throws. Unchecked. Each carries an {@link ErrorCategory}: {@link
 * ErrorCategory#INPUT} unless the constructor names another.
 */
public class AmctException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kind of failure. */
    private final ErrorCategory category;

    /**
     * Creates an exception about an input ({@link ErrorCategory#INPUT}).
     *
     * @param message what failed, where, and what to do
     */
    public AmctException(String message) {
        this(ErrorCategory.INPUT, message, null);
    }

    /**
     * Creates an exception about an input ({@link ErrorCategory#INPUT}) with its cause.
     *
     * @param message what failed, where, and what to do
     * @param cause the underlying failure
     */
    public AmctException(String message, Throwable cause) {
        this(ErrorCategory.INPUT, message, cause);
    }

    /**
     * Creates the exception in the given category.
     *
     * @param category the kind of failure
     * @param message what failed, where, and what to do
     * @param cause the underlying failure, or {@code null}
     */
    public AmctException(ErrorCategory category, String message, Throwable cause) {
        super(message, cause);
        this.category = java.util.Objects.requireNonNull(category, "category");
    }

    /**
     * The kind of failure, which the CLI maps to its exit code.
     *
     * @return the category
     */
    public ErrorCategory category() {
        return category;
    }
}
