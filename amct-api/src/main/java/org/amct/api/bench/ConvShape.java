package org.amct.api.bench;

import java.util.Locale;
import org.amct.api.exception.Quoted;

/**
 * A Conv2d weight shape {@code [Cout, Cin, kh, kw]}, written {@code 512x512x3x3}.
 *
 * @param outChannels output channels
 * @param inChannels input channels
 * @param kernelH kernel height
 * @param kernelW kernel width
 */
public record ConvShape(int outChannels, int inChannels, int kernelH, int kernelW) {
    /** The most weight elements a shape may have: what one tensor holds. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

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
        // Not "this": the fields are not assigned yet, so it would read 0x0x0x0.
        String problem = problem(outChannels, inChannels, kernelH, kernelW);
        if (problem != null) {
            throw new IllegalArgumentException(
                    "Shape "
                            + outChannels
                            + "x"
                            + inChannels
                            + "x"
                            + kernelH
                            + "x"
                            + kernelW
                            + ": "
                            + problem);
        }
    }

    /** What is wrong with the dimensions, or {@code null}. */
    private static String problem(int outChannels, int inChannels, int kernelH, int kernelW) {
        if (outChannels < 1 || inChannels < 1 || kernelH < 1 || kernelW < 1) {
            return "every dimension must be >= 1";
        }
        // In double: the product of four ints can overflow a long.
        double elements = (double) outChannels * inChannels * kernelH * kernelW;
        if (elements > MAX_ELEMENTS) {
            return String.format(
                    Locale.ROOT,
                    "%,.0f weight elements, more than the 2^31-1 one tensor may hold",
                    elements);
        }
        return null;
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
                    "Shape "
                            + Quoted.of(text)
                            + " must be COUTxCINxKHxKW, for example 512x512x3x3");
        }
        int[] dims = new int[4];
        try {
            for (int i = 0; i < 4; i++) {
                dims[i] = Integer.parseInt(parts[i]);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Shape " + Quoted.of(text) + " must be four positive integers joined by 'x'",
                    e);
        }
        String problem = problem(dims[0], dims[1], dims[2], dims[3]);
        if (problem != null) {
            // Quoted as typed, not as re-printed.
            throw new IllegalArgumentException("Shape " + Quoted.of(text) + ": " + problem);
        }
        return new ConvShape(dims[0], dims[1], dims[2], dims[3]);
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
