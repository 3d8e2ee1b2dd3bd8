package org.amct.api.bench;

import java.util.Locale;

/**
 * A Conv2d weight shape {@code [Cout, Cin, kh, kw]}, written {@code 512x512x3x3}.
 *
 * @param outChannels output channels
 * @param inChannels input channels
 * @param kernelH kernel height
 * @param kernelW kernel width
 */
public record ConvShape(int outChannels, int inChannels, int kernelH, int kernelW) {
    /**
     * Checks that every dimension is positive.
     *
     * @param outChannels output channels
     * @param inChannels input channels
     * @param kernelH kernel height
     * @param kernelW kernel width
     * @throws IllegalArgumentException if one is not
     */
    public ConvShape {
        if (outChannels < 1 || inChannels < 1 || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("Every dimension must be >= 1: " + this);
        }
    }

    /**
     * Parses {@code COUTxCINxKHxKW}.
     *
     * @param text for example {@code 512x512x3x3}
     * @return the shape
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static ConvShape parse(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException(
                    "Shape '" + text + "' must be COUTxCINxKHxKW, for example 512x512x3x3");
        }
        try {
            return new ConvShape(
                    Integer.parseInt(parts[0]),
                    Integer.parseInt(parts[1]),
                    Integer.parseInt(parts[2]),
                    Integer.parseInt(parts[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Shape '" + text + "' must be four positive integers joined by 'x'", e);
        }
    }

    /**
     * The rows of the unfolded matrix, {@code min(Cin,Cout) * min(kh,kw)}.
     *
     * @return {@code n}
     */
    public int rows() {
        return Math.min(inChannels, outChannels) * Math.min(kernelH, kernelW);
    }

    /**
     * The columns of the unfolded matrix, {@code max(Cin,Cout) * max(kh,kw)}.
     *
     * @return {@code m}
     */
    public int cols() {
        return Math.max(inChannels, outChannels) * Math.max(kernelH, kernelW);
    }

    @Override
    public String toString() {
        return outChannels + "x" + inChannels + "x" + kernelH + "x" + kernelW;
    }
}
