package org.amct.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The stable identifier of a backend, as users type it in {@code --backend}, {@code -Damct.backend}
 * or {@code AMCT_BACKEND}: lower-case letters, digits and dashes, starting with a letter (for
 * example {@code ejml}, {@code openblas}).
 *
 * @param value the identifier text
 */
public record BackendId(String value) implements Comparable<BackendId> {
    private static final Pattern FORM = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /**
     * Validates the identifier.
     *
     * @param value the identifier text
     * @throws IllegalArgumentException if {@code value} is not of the documented form
     */
    public BackendId {
        Objects.requireNonNull(value, "value");
        if (!FORM.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "Backend id '"
                            + value
                            + "' is not valid: use 1 to 32 lower-case letters, digits or"
                            + " dashes, starting with a letter");
        }
    }

    /**
     * Parses an identifier.
     *
     * @param value the identifier text
     * @return the identifier
     * @throws IllegalArgumentException if {@code value} is not of the documented form
     */
    public static BackendId of(String value) {
        return new BackendId(value);
    }

    @Override
    public int compareTo(BackendId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
