package org.amct.api.graph;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A 2-D convolution with its hyper-parameters and tensors, as PyTorch's {@code nn.Conv2d}.
 *
 * @param inChannels input channels
 * @param outChannels output channels
 * @param kernelSize kernel height and width
 * @param stride stride per axis
 * @param padding padding per side
 * @param dilation dilation per axis
 * @param groups the number of channel groups; divides both channel counts
 * @param paddingMode how the padding is filled
 * @param weight shape {@code [outChannels, inChannels / groups, kernelH, kernelW]}
 * @param bias shape {@code [outChannels]}, same dtype as the weight, when the layer has one
 */
public record Conv2d(
        int inChannels,
        int outChannels,
        Size2d kernelSize,
        Size2d stride,
        Padding padding,
        Size2d dilation,
        int groups,
        PaddingMode paddingMode,
        Tensor weight,
        Optional<Tensor> bias)
        implements Layer {

    /**
     * Checks that the tensors fit the hyper-parameters.
     *
     * @param inChannels input channels
     * @param outChannels output channels
     * @param kernelSize kernel height and width
     * @param stride stride per axis
     * @param padding padding per side
     * @param dilation dilation per axis
     * @param groups the number of channel groups; divides both channel counts
     * @param paddingMode how the padding is filled
     * @param weight shape {@code [outChannels, inChannels / groups, kernelH, kernelW]}
     * @param bias shape {@code [outChannels]}, same dtype as the weight, when the layer has one
     * @throws IllegalArgumentException if a shape, dtype or count does not fit
     */
    public Conv2d {
        Objects.requireNonNull(kernelSize, "kernelSize");
        Objects.requireNonNull(stride, "stride");
        Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(dilation, "dilation");
        Objects.requireNonNull(paddingMode, "paddingMode");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(bias, "bias");
        if (inChannels < 1 || outChannels < 1 || groups < 1) {
            throw new IllegalArgumentException(
                    "Channels and groups must be >= 1, got in="
                            + inChannels
                            + " out="
                            + outChannels
                            + " groups="
                            + groups);
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(
                    "groups="
                            + groups
                            + " must divide in="
                            + inChannels
                            + " and out="
                            + outChannels);
        }
        int[] expected = {
            outChannels, inChannels / groups, kernelSize.height(), kernelSize.width()
        };
        if (!Arrays.equals(weight.shape(), expected)) {
            throw new IllegalArgumentException(
                    "Weight shape "
                            + Arrays.toString(weight.shape())
                            + " does not fit the layer: expected "
                            + Arrays.toString(expected));
        }
        bias.ifPresent(b -> checkBias(b, outChannels, weight.dtype()));
    }

    private static void checkBias(Tensor bias, int outChannels, DType dtype) {
        if (!Arrays.equals(bias.shape(), new int[] {outChannels})) {
            throw new IllegalArgumentException(
                    "Bias shape "
                            + Arrays.toString(bias.shape())
                            + " must be ["
                            + outChannels
                            + "]");
        }
        if (bias.dtype() != dtype) {
            throw new IllegalArgumentException(
                    "Bias dtype " + bias.dtype() + " differs from weight dtype " + dtype);
        }
    }

    /**
     * Starts a builder for a square or rectangular convolution.
     *
     * @param inChannels input channels
     * @param outChannels output channels
     * @param kernelSize kernel height and width
     * @return a builder with PyTorch's defaults (stride 1, no padding, dilation 1, groups 1, zeros
     *     padding, a bias, float32, weights drawn as PyTorch's default initialiser does)
     */
    public static Conv2dBuilder builder(int inChannels, int outChannels, Size2d kernelSize) {
        return new Conv2dBuilder(inChannels, outChannels, kernelSize);
    }

    /**
     * Whether the layer has a bias.
     *
     * @return {@code true} when {@link #bias()} is present
     */
    public boolean hasBias() {
        return bias.isPresent();
    }

    /**
     * The number of weight and bias elements.
     *
     * @return the parameter count
     */
    public long parameterCount() {
        return weight.numel() + bias.map(Tensor::numel).orElse(0L);
    }

    /**
     * A builder holding this layer's settings, to derive a variant.
     *
     * @return a builder with every field of this layer
     */
    public Conv2dBuilder toBuilder() {
        Conv2dBuilder builder =
                builder(inChannels, outChannels, kernelSize)
                        .stride(stride)
                        .padding(padding)
                        .dilation(dilation)
                        .groups(groups)
                        .paddingMode(paddingMode)
                        .weight(weight);
        return bias.map(builder::bias).orElseGet(() -> builder.withBias(false));
    }

    @Override
    public String typeName() {
        return "Conv2d";
    }

    @Override
    public Map<String, Layer> children() {
        return Map.of();
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("weight", weight);
        bias.ifPresent(b -> params.put("bias", b));
        return java.util.Collections.unmodifiableMap(params);
    }

    @Override
    public Conv2d with(Map<String, Layer> newChildren, Map<String, Tensor> newParameters) {
        Layers.checkSameKeys(Map.<String, Layer>of().keySet(), newChildren.keySet(), "children");
        Layers.checkSameKeys(parameters().keySet(), newParameters.keySet(), "parameters");
        Tensor newWeight = newParameters.get("weight");
        Layers.checkSameShape("weight", weight, newWeight);
        return new Conv2d(
                inChannels,
                outChannels,
                kernelSize,
                stride,
                padding,
                dilation,
                groups,
                paddingMode,
                newWeight,
                Optional.ofNullable(newParameters.get("bias")));
    }
}
