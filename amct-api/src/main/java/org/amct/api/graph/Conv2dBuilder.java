package org.amct.api.graph;

import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Builds a {@link Conv2d} with PyTorch's defaults. When no weight is given, weight and bias are
 * drawn uniformly from {@code [-1/sqrt(fanIn), 1/sqrt(fanIn)]} (what PyTorch's default
 * initialisation amounts to) with the builder's random generator, seeded with 0 unless set. Not
 * thread-safe.
 */
public final class Conv2dBuilder {
    private final int inChannels;
    private final int outChannels;
    private final Size2d kernelSize;
    private Size2d stride = Size2d.square(1);
    private Padding padding = Padding.NONE;
    private Size2d dilation = Size2d.square(1);
    private int groups = 1;
    private PaddingMode paddingMode = PaddingMode.ZEROS;
    private DType dtype = DType.FLOAT32;
    private boolean withBias = true;
    private Tensor weight;
    private Tensor bias;
    private RandomGenerator random;

    Conv2dBuilder(int inChannels, int outChannels, Size2d kernelSize) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = Objects.requireNonNull(kernelSize, "kernelSize");
    }

    /**
     * Sets the stride.
     *
     * @param value stride per axis
     * @return this builder
     */
    public Conv2dBuilder stride(Size2d value) {
        stride = Objects.requireNonNull(value, "stride");
        return this;
    }

    /**
     * Sets the padding.
     *
     * @param value padding per side
     * @return this builder
     */
    public Conv2dBuilder padding(Padding value) {
        padding = Objects.requireNonNull(value, "padding");
        return this;
    }

    /**
     * Sets the dilation.
     *
     * @param value dilation per axis
     * @return this builder
     */
    public Conv2dBuilder dilation(Size2d value) {
        dilation = Objects.requireNonNull(value, "dilation");
        return this;
    }

    /**
     * Sets the number of groups.
     *
     * @param value groups, dividing both channel counts
     * @return this builder
     */
    public Conv2dBuilder groups(int value) {
        groups = value;
        return this;
    }

    /**
     * Sets the padding mode.
     *
     * @param value the mode
     * @return this builder
     */
    public Conv2dBuilder paddingMode(PaddingMode value) {
        paddingMode = Objects.requireNonNull(value, "paddingMode");
        return this;
    }

    /**
     * Sets the dtype of drawn weights (ignored when a weight is given).
     *
     * @param value a floating-point type
     * @return this builder
     */
    public Conv2dBuilder dtype(DType value) {
        dtype = Objects.requireNonNull(value, "dtype");
        return this;
    }

    /**
     * Whether the layer has a bias (drawn unless given).
     *
     * @param value {@code true} for a bias
     * @return this builder
     */
    public Conv2dBuilder withBias(boolean value) {
        withBias = value;
        if (!value) {
            bias = null;
        }
        return this;
    }

    /**
     * Sets the weight tensor.
     *
     * @param value shape {@code [out, in/groups, kh, kw]}
     * @return this builder
     */
    public Conv2dBuilder weight(Tensor value) {
        weight = Objects.requireNonNull(value, "weight");
        return this;
    }

    /**
     * Sets the bias tensor (and turns the bias on).
     *
     * @param value shape {@code [out]}
     * @return this builder
     */
    public Conv2dBuilder bias(Tensor value) {
        bias = Objects.requireNonNull(value, "bias");
        withBias = true;
        return this;
    }

    /**
     * Sets the generator that draws the default weights.
     *
     * @param value the generator, used from this thread only
     * @return this builder
     */
    public Conv2dBuilder random(RandomGenerator value) {
        random = Objects.requireNonNull(value, "random");
        return this;
    }

    /**
     * Builds the layer, drawing the tensors not given.
     *
     * @return the layer
     * @throws IllegalArgumentException if the settings are inconsistent
     */
    public Conv2d build() {
        if (groups < 1 || inChannels % Math.max(groups, 1) != 0) {
            throw new IllegalArgumentException(
                    "groups=" + groups + " must be >= 1 and divide in=" + inChannels);
        }
        RandomGenerator rng = random != null ? random : new SplittableRandom(0);
        int fanIn = (inChannels / groups) * kernelSize.height() * kernelSize.width();
        double bound = 1.0 / Math.sqrt(fanIn);
        int[] weightShape = {
            outChannels, inChannels / groups, kernelSize.height(), kernelSize.width()
        };
        Tensor w = weight != null ? weight : uniform(rng, weightShape, bound, dtype);
        Tensor b = null;
        if (withBias) {
            b = bias != null ? bias : uniform(rng, new int[] {outChannels}, bound, w.dtype());
        }
        return new Conv2d(
                inChannels,
                outChannels,
                kernelSize,
                stride,
                padding,
                dilation,
                groups,
                paddingMode,
                w,
                Optional.ofNullable(b));
    }

    private static Tensor uniform(RandomGenerator rng, int[] shape, double bound, DType dtype) {
        double[] values = new double[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextDouble(-bound, bound);
        }
        return Tensor.fromDoubles(dtype, shape, values);
    }
}
