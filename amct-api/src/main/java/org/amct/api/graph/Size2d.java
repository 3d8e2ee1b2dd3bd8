package org.amct.api.graph;

import java.util.List;

/**
 * A pair of per-axis values of a 2-D convolution (kernel size, stride or dilation).
 *
 * @param height the value along the height axis
 * @param width the value along the width axis
 */
public record Size2d(int height, int width) {
    /**
     * Checks that both values are positive.
     *
     * @param height the value along the height axis
     * @param width the value along the width axis
     * @throws IllegalArgumentException if a value is {@code < 1}
     */
    public Size2d {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "Both values must be >= 1, got [" + height + ", " + width + "]");
        }
    }

    /**
     * The same value on both axes.
     *
     * @param value the value, {@code >= 1}
     * @return the pair
     */
    public static Size2d square(int value) {
        return new Size2d(value, value);
    }

    /**
     * The pair as {@code [height, width]}, the order of the decomposition-info file.
     *
     * @return a two-element list
     */
    public List<Integer> toList() {
        return List.of(height, width);
    }

    @Override
    public String toString() {
        return "[" + height + ", " + width + "]";
    }
}
