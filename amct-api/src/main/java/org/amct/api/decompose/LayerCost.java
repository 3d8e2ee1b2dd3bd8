package org.amct.api.decompose;

import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Size2d;

/**
 * What a layer costs, as a linear function of the rank when decomposed: {@code before} when left
 * unchanged, {@code fixedAfter + perRank * r} as two convs of rank {@code r}. The cost is either
 * parameters or multiply-accumulates; the allocator ({@link RankAllocator}) does not care which.
 *
 * @param before the cost of the original layer
 * @param fixedAfter the part of the pair's cost that does not depend on the rank (the bias)
 * @param perRank the pair's cost per unit of rank
 */
public record LayerCost(long before, long fixedAfter, long perRank) {
    /**
     * Checks the numbers.
     *
     * @param before the cost of the original layer, {@code >= 0}
     * @param fixedAfter the rank-independent part of the pair's cost, {@code >= 0}
     * @param perRank the pair's cost per unit of rank, {@code >= 0}
     * @throws IllegalArgumentException if one is negative
     */
    public LayerCost {
        if (before < 0 || fixedAfter < 0 || perRank < 0) {
            throw new IllegalArgumentException(
                    "costs must be >= 0, got " + before + ", " + fixedAfter + ", " + perRank);
        }
    }

    /**
     * The pair's cost at a rank.
     *
     * @param rank the rank
     * @return {@code fixedAfter + perRank * rank}
     */
    public long after(int rank) {
        return Math.addExact(fixedAfter, Math.multiplyExact(perRank, (long) rank));
    }

    /**
     * The sum of two costs (layers that share one weight tensor get one rank).
     *
     * @param other another layer's cost
     * @return the sum, term by term
     */
    public LayerCost plus(LayerCost other) {
        return new LayerCost(
                Math.addExact(before, other.before),
                Math.addExact(fixedAfter, other.fixedAfter),
                Math.addExact(perRank, other.perRank));
    }

    /**
     * Parameters (weights and bias): a pair of rank {@code r} holds {@code r * (n + m)} weights
     * ({@code P} is {@code n x r}, {@code C} is {@code r x m}) and the original bias.
     *
     * @param conv an eligible layer
     * @return its parameter cost
     */
    public static LayerCost params(Conv2d conv) {
        Unfolding u = Unfolding.of(conv);
        long bias = conv.parameterCount() - conv.weight().numel();
        return new LayerCost(conv.parameterCount(), bias, (long) u.rows() + u.cols());
    }

    /**
     * Multiply-accumulates for one input of the given height and width (docs/design/ALGORITHM.md
     * section 5 gives the two convs' strides and padding): the {@code (kh, 1)} conv keeps the
     * height stride and padding, the {@code (1, kw)} conv the width ones.
     *
     * @param conv an eligible layer (groups 1, dilation 1)
     * @param input the layer's input height and width
     * @return its MAC cost
     */
    public static LayerCost macs(Conv2d conv, Size2d input) {
        Size2d out = outputSize(conv, input);
        long outPixels = (long) out.height() * out.width();
        long before = Math.multiplyExact(conv.weight().numel(), outPixels);
        Unfolding u = Unfolding.of(conv);
        boolean firstAlongHeight = !u.mode().swapsChannels() != u.mode().swapsKernel();
        int kh = conv.kernelSize().height();
        int kw = conv.kernelSize().width();
        long first =
                firstAlongHeight
                        ? (long) conv.inChannels() * kh * out.height() * input.width()
                        : (long) conv.inChannels() * kw * input.height() * out.width();
        long last = (long) conv.outChannels() * (firstAlongHeight ? kw : kh) * outPixels;
        return new LayerCost(before, 0, Math.addExact(first, last));
    }

    /**
     * The multiply-accumulates of any Conv2d (decomposed or not) for one input: weights times
     * output pixels.
     *
     * @param conv the layer
     * @param input its input height and width
     * @return the MACs
     */
    public static long macsOf(Conv2d conv, Size2d input) {
        Size2d out = outputSize(conv, input);
        return Math.multiplyExact(conv.weight().numel(), (long) out.height() * out.width());
    }

    /**
     * The output height and width of a conv for an input size.
     *
     * @param conv the layer
     * @param input its input height and width
     * @return {@code floor((H + pads - dilation*(k-1) - 1) / stride) + 1} on each axis
     */
    public static Size2d outputSize(Conv2d conv, Size2d input) {
        int h =
                axis(
                        input.height(),
                        conv.padding().top() + conv.padding().bottom(),
                        conv.kernelSize().height(),
                        conv.stride().height(),
                        conv.dilation().height());
        int w =
                axis(
                        input.width(),
                        conv.padding().left() + conv.padding().right(),
                        conv.kernelSize().width(),
                        conv.stride().width(),
                        conv.dilation().width());
        return new Size2d(h, w);
    }

    private static int axis(int size, int pads, int kernel, int stride, int dilation) {
        long span = (long) dilation * (kernel - 1) + 1;
        long padded = (long) size + pads;
        if (padded < span) {
            throw new IllegalArgumentException(
                    "input extent "
                            + size
                            + " plus padding "
                            + pads
                            + " is smaller than the"
                            + " kernel extent "
                            + span);
        }
        return (int) ((padded - span) / stride + 1);
    }
}
