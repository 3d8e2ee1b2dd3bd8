package org.amct.api;

import org.amct.api.decompose.Factors;
import org.amct.api.decompose.Unfolding;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;

/**
 * Which input patches the first new conv of a decomposed layer sees (docs/design/ALGORITHM.md
 * section 8), so that an inference engine can measure their {@link PatchMoments}. The first conv
 * has a {@code (k, 1)} or {@code (1, k)} kernel with the original stride and padding along that
 * axis; its patch at an output position is the vector of {@code Cin * k} input values it
 * multiplies, indexed {@code channel * k + tap}: the rows of the unfolding in SC modes, its columns
 * in FC modes.
 */
public final class PatchLayout {
    private PatchLayout() {}

    /**
     * The length of one patch.
     *
     * @param conv an eligible layer
     * @return {@code Cin * k}, {@code k} the first conv's kernel extent
     */
    public static int size(Conv2d conv) {
        Unfolding u = Unfolding.of(conv);
        return u.mode().swapsChannels() ? u.cols() : u.rows();
    }

    /**
     * A conv that copies the first new conv's patches to its output channels: its weight is
     * one-hot, {@code w[channel * k + tap, channel, tap] = 1}, so output channel {@code channel * k
     * + tap} at each position is patch element {@code channel * k + tap}. Float32, no bias, the
     * first new conv's kernel axis, stride and padding.
     *
     * @param conv an eligible layer
     * @return the patch-extracting conv, {@code Cin} inputs and {@link #size} outputs
     */
    public static Conv2d extractor(Conv2d conv) {
        Unfolding u = Unfolding.of(conv);
        int cin = conv.inChannels();
        int k = size(conv) / cin;
        // The first conv's kernel lies along the height when its weight is [r, Cin, k, 1].
        boolean alongHeight = u.mode().swapsChannels() == u.mode().swapsKernel();
        int d = cin * k;
        double[] values = new double[d * cin * k];
        for (int c = 0; c < cin; c++) {
            for (int t = 0; t < k; t++) {
                int out = c * k + t;
                values[(out * cin + c) * k + t] = 1.0;
            }
        }
        int[] shape = alongHeight ? new int[] {d, cin, k, 1} : new int[] {d, cin, 1, k};
        return Factors.newConv(conv, Tensor.fromDoubles(DType.FLOAT32, shape, values), false);
    }
}
