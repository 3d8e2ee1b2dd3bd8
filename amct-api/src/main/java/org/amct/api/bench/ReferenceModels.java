package org.amct.api.bench;

import java.util.SplittableRandom;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Layer;
import org.amct.api.graph.ModelBuilder;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.OpaqueLayer;
import org.amct.api.graph.Padding;
import org.amct.api.graph.Size2d;

/**
 * Well-known network shapes with random weights, to time whole-model runs. Only the layers the tool
 * looks at are real: every Conv2d at its true shape and name; batch norms, activations and pooling
 * are opaque leaves.
 */
public final class ReferenceModels {
    private static final int[] RESNET50_BLOCKS = {3, 4, 6, 3};
    private static final int[] RESNET50_WIDTHS = {64, 128, 256, 512};

    private ReferenceModels() {}

    /**
     * ResNet-50 (torchvision's layout and names: {@code conv1}, {@code layer1.0.conv2}, ...): the
     * 7x7 stem, 16 bottlenecks of 1x1, 3x3 and 1x1 convs, and the downsample 1x1 convs.
     *
     * @param seed the seed of the random weights
     * @return the model (about 23.5 million conv parameters, float32)
     */
    public static ModelGraph resnet50(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ModelBuilder model = ModelGraph.builder("ResNet");
        model.add("conv1", conv(3, 64, 7, 2, random));
        model.add("bn1", OpaqueLayer.leaf("BatchNorm2d"));
        model.add("relu", OpaqueLayer.leaf("ReLU"));
        model.add("maxpool", OpaqueLayer.leaf("MaxPool2d"));
        int in = 64;
        for (int stage = 0; stage < 4; stage++) {
            ModelBuilder layer = ModelGraph.builder("Sequential");
            int width = RESNET50_WIDTHS[stage];
            for (int block = 0; block < RESNET50_BLOCKS[stage]; block++) {
                int stride = block == 0 && stage > 0 ? 2 : 1;
                layer.add(
                        Integer.toString(block), bottleneck(in, width, stride, block == 0, random));
                in = width * 4;
            }
            model.add("layer" + (stage + 1), layer.buildLayer());
        }
        model.add("avgpool", OpaqueLayer.leaf("AdaptiveAvgPool2d"));
        model.add("fc", OpaqueLayer.leaf("Linear"));
        return model.build();
    }

    private static Layer bottleneck(
            int in, int width, int stride, boolean downsample, SplittableRandom random) {
        ModelBuilder block = ModelGraph.builder("Bottleneck");
        block.add("conv1", conv(in, width, 1, 1, random));
        block.add("bn1", OpaqueLayer.leaf("BatchNorm2d"));
        block.add("conv2", conv(width, width, 3, stride, random));
        block.add("bn2", OpaqueLayer.leaf("BatchNorm2d"));
        block.add("conv3", conv(width, width * 4, 1, 1, random));
        block.add("bn3", OpaqueLayer.leaf("BatchNorm2d"));
        block.add("relu", OpaqueLayer.leaf("ReLU"));
        if (downsample) {
            block.add(
                    "downsample",
                    ModelGraph.builder("Sequential")
                            .add("0", conv(in, width * 4, 1, stride, random))
                            .add("1", OpaqueLayer.leaf("BatchNorm2d"))
                            .buildLayer());
        }
        return block.buildLayer();
    }

    private static Conv2d conv(int in, int out, int kernel, int stride, SplittableRandom random) {
        return Conv2d.builder(in, out, Size2d.square(kernel))
                .stride(Size2d.square(stride))
                .padding(Padding.symmetric(kernel / 2, kernel / 2))
                .withBias(false)
                .random(random)
                .build();
    }
}
