package org.amct.api.decompose;

/**
 * The four ways a Conv2d is split (docs/design/ALGORITHM.md section 1), named by which side keeps
 * the channel reduction (first or second channel) and which kernel axis goes first (first or second
 * kernel).
 */
public enum DecomposeMode {
    /** Fewer outputs than inputs, {@code kh <= kw}. */
    FCFK,
    /** Fewer outputs than inputs, {@code kh > kw}. */
    FCSK,
    /** At least as many outputs as inputs, {@code kh <= kw}. */
    SCFK,
    /** At least as many outputs as inputs, {@code kh > kw}. */
    SCSK;

    /**
     * The mode of a layer.
     *
     * @param outChannels output channels
     * @param inChannels input channels
     * @param kernelH kernel height
     * @param kernelW kernel width
     * @return the mode the reference would choose
     */
    public static DecomposeMode of(int outChannels, int inChannels, int kernelH, int kernelW) {
        boolean firstChannel = outChannels < inChannels;
        boolean firstKernel = kernelH <= kernelW;
        if (firstChannel) {
            return firstKernel ? FCFK : FCSK;
        }
        return firstKernel ? SCFK : SCSK;
    }

    /**
     * Whether the channel axes are swapped before unfolding (FC modes).
     *
     * @return {@code true} for FCFK and FCSK
     */
    public boolean swapsChannels() {
        return this == FCFK || this == FCSK;
    }

    /**
     * Whether the kernel axes are swapped before unfolding (SK modes).
     *
     * @return {@code true} for FCSK and SCSK
     */
    public boolean swapsKernel() {
        return this == FCSK || this == SCSK;
    }
}
