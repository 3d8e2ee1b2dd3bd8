package org.amct.api.graph;

/**
 * Zero-or-more padding on each side of a 2-D input. PyTorch pads both sides of an axis equally;
 * ONNX allows different amounts, which is why all four sides are kept.
 *
 * @param top rows added above
 * @param left columns added on the left
 * @param bottom rows added below
 * @param right columns added on the right
 */
public record Padding(int top, int left, int bottom, int right) {
    /** No padding. */
    public static final Padding NONE = new Padding(0, 0, 0, 0);

    /**
     * Checks that no amount is negative.
     *
     * @param top rows added above
     * @param left columns added on the left
     * @param bottom rows added below
     * @param right columns added on the right
     * @throws IllegalArgumentException if an amount is negative
     */
    public Padding {
        if (top < 0 || left < 0 || bottom < 0 || right < 0) {
            throw new IllegalArgumentException(
                    "Padding must be >= 0, got ["
                            + top
                            + ", "
                            + left
                            + ", "
                            + bottom
                            + ", "
                            + right
                            + "]");
        }
    }

    /**
     * PyTorch-style padding: {@code height} rows above and below, {@code width} columns left and
     * right.
     *
     * @param height the padding of the height axis
     * @param width the padding of the width axis
     * @return the padding
     */
    public static Padding symmetric(int height, int width) {
        return new Padding(height, width, height, width);
    }

    /**
     * Whether both sides of each axis have the same padding (expressible in PyTorch).
     *
     * @return {@code true} if {@code top == bottom && left == right}
     */
    public boolean isSymmetric() {
        return top == bottom && left == right;
    }

    /**
     * This padding with the width axis set to zero (for a {@code (kh, 1)} conv).
     *
     * @return the height part only
     */
    public Padding heightOnly() {
        return new Padding(top, 0, bottom, 0);
    }

    /**
     * This padding with the height axis set to zero (for a {@code (1, kw)} conv).
     *
     * @return the width part only
     */
    public Padding widthOnly() {
        return new Padding(0, left, 0, right);
    }

    @Override
    public String toString() {
        return isSymmetric()
                ? "[" + top + ", " + left + "]"
                : "[" + top + ", " + left + ", " + bottom + ", " + right + "]";
    }
}
