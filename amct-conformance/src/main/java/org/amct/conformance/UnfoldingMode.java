package org.amct.conformance;

/**
 * The four decomposition modes of docs/design/ALGORITHM.md section 1, as far as the unfolding needs
 * them: FC modes swap the channel axes, SK modes swap the kernel axes. Named as in the reference
 * tool.
 */
public enum UnfoldingMode {
    /** {@code Cout < Cin} and {@code kh <= kw}. */
    FCFK(true, false),
    /** {@code Cout < Cin} and {@code kh > kw}. */
    FCSK(true, true),
    /** {@code Cout >= Cin} and {@code kh <= kw}. */
    SCFK(false, false),
    /** {@code Cout >= Cin} and {@code kh > kw}. */
    SCSK(false, true);

    private final boolean swapsChannels;
    private final boolean swapsKernels;

    UnfoldingMode(boolean swapsChannels, boolean swapsKernels) {
        this.swapsChannels = swapsChannels;
        this.swapsKernels = swapsKernels;
    }

    /**
     * The mode of a Conv2d weight with {@code groups = 1}, by the shape rule of
     * docs/design/ALGORITHM.md section 1 (eligibility is not checked here).
     *
     * @param outChannels {@code Cout}
     * @param inChannels {@code Cin}
     * @param kernelH {@code kh}
     * @param kernelW {@code kw}
     * @return the mode
     */
    public static UnfoldingMode of(int outChannels, int inChannels, int kernelH, int kernelW) {
        boolean firstChannel = outChannels < inChannels;
        boolean firstKernel = kernelH <= kernelW;
        if (firstChannel) {
            return firstKernel ? FCFK : FCSK;
        }
        return firstKernel ? SCFK : SCSK;
    }

    /**
     * Whether the unfolding swaps the two channel axes first.
     *
     * @return {@code true} for FCFK and FCSK
     */
    public boolean swapsChannels() {
        return swapsChannels;
    }

    /**
     * Whether the unfolding swaps the two kernel axes.
     *
     * @return {@code true} for FCSK and SCSK
     */
    public boolean swapsKernels() {
        return swapsKernels;
    }
}
