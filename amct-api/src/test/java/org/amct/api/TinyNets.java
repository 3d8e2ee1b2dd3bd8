package org.amct.api;

import java.util.SplittableRandom;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.OpaqueLayer;
import org.amct.api.graph.Padding;
import org.amct.api.graph.Size2d;

/** Small CNNs built in code for the tests: a few eligible convs among ineligible ones. */
public final class TinyNets {
    private TinyNets() {}

    /** A ResNet-like model with nested containers; {@code seed} draws the weights. */
    public static ModelGraph resnetLike(long seed, DType dtype) {
        SplittableRandom random = new SplittableRandom(seed);
        return ModelGraph.builder("TinyResNet")
                .add("conv1", conv(3, 64, 7, 2, 3, true, random, dtype))
                .add("bn1", OpaqueLayer.leaf("BatchNorm2d"))
                .add(
                        "layer1",
                        ModelGraph.builder("Sequential")
                                .add(
                                        "0",
                                        ModelGraph.builder("BasicBlock")
                                                .add(
                                                        "conv1",
                                                        conv(64, 64, 3, 1, 1, false, random, dtype))
                                                .add("relu", OpaqueLayer.leaf("ReLU"))
                                                .add(
                                                        "conv2",
                                                        conv(64, 128, 3, 2, 1, true, random, dtype))
                                                .buildLayer())
                                .buildLayer())
                .add("head", conv(128, 10, 1, 1, 0, true, random, dtype))
                .build();
    }

    static Conv2d conv(
            int in,
            int out,
            int k,
            int stride,
            int pad,
            boolean bias,
            SplittableRandom random,
            DType dtype) {
        return Conv2d.builder(in, out, Size2d.square(k))
                .stride(Size2d.square(stride))
                .padding(Padding.symmetric(pad, pad))
                .withBias(bias)
                .dtype(dtype)
                .random(random)
                .build();
    }
}
