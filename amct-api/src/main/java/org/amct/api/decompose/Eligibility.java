package org.amct.api.decompose;

import java.util.Optional;
import org.amct.api.graph.Conv2d;

/** The rules of docs/design/ALGORITHM.md section 1 that leave a layer unchanged. */
public final class Eligibility {
    private Eligibility() {}

    /**
     * Why the layer is left unchanged, if it is.
     *
     * @param conv the layer
     * @return the reason in words, or empty when the layer is eligible
     */
    public static Optional<String> reasonToSkip(Conv2d conv) {
        int kh = conv.kernelSize().height();
        int kw = conv.kernelSize().width();
        int minKernel = Math.min(kh, kw);
        int minChannels = Math.min(conv.inChannels(), conv.outChannels());
        if (conv.dilation().height() > 1 || conv.dilation().width() > 1) {
            return Optional.of("dilation " + conv.dilation() + " > 1");
        }
        if (conv.groups() > 1) {
            return Optional.of("groups " + conv.groups() + " > 1");
        }
        if (minKernel < 3) {
            return Optional.of("kernel " + conv.kernelSize() + " has a side < 3");
        }
        if (Math.max(conv.stride().height(), conv.stride().width()) > 2) {
            return Optional.of("stride " + conv.stride() + " > 2");
        }
        if (minKernel * minChannels < 16) {
            return Optional.of(
                    "min kernel side x min channels = " + minKernel * minChannels + " < 16");
        }
        if (minKernel < 7 && minChannels < 64) {
            return Optional.of(
                    "min channels "
                            + minChannels
                            + " < 64 with a kernel side "
                            + minKernel
                            + " < 7");
        }
        return Optional.empty();
    }

    /**
     * Whether the weight's dtype can be decomposed (all floating-point types: float16, bfloat16,
     * float32, float64).
     *
     * @param conv the layer
     * @return {@code true} when the dtype is supported
     */
    public static boolean hasSupportedDtype(Conv2d conv) {
        return conv.weight().dtype().isFloatingPoint();
    }
}
