package org.amct.onnx;

import org.amct.onnx.proto.OnnxProtos.ModelProto;

/** The models of {@code examples/}, generated in code with fixed seeds. */
final class ExampleModels {
    /** The example's file name under {@code examples/}. */
    static final String TINY_RESNET = "tiny_resnet.onnx";

    private ExampleModels() {}

    /**
     * A small ResNet for 32x32 RGB images, exported PyTorch-style (initializers named {@code
     * layer1.0.conv1.weight}, batch norms not folded): a 3x3 stem, one basic block at 64 channels,
     * one at 128 channels with a strided 1x1 shortcut, global average pooling and a 10-way linear
     * head. Four of its six convs are eligible for decomposition.
     */
    static ModelProto tinyResNet() {
        OnnxTestModels m = new OnnxTestModels("tiny_resnet", 20240601L);
        m.input("input", OnnxConstants.FLOAT, 1, 3, 32, 32);
        String x = m.conv("input", conv(3, 64, 1, "conv1.weight"));
        x = m.relu(m.batchNorm("bn1", x, 64));
        x = basicBlock(m, "layer1.0", x, 64, 64, 1);
        x = basicBlock(m, "layer2.0", x, 64, 128, 2);
        x = m.node("GlobalAveragePool", x);
        x = m.node("Flatten", x);
        m.linear("fc", x, 128, 10);
        m.renameLastOutput("logits");
        m.output("logits", OnnxConstants.FLOAT, 1, 10);
        return m.build();
    }

    private static String basicBlock(
            OnnxTestModels m, String prefix, String input, int in, int out, int stride) {
        String x = m.conv(input, conv(in, out, stride, prefix + ".conv1.weight"));
        x = m.relu(m.batchNorm(prefix + ".bn1", x, out));
        x = m.conv(x, conv(out, out, 1, prefix + ".conv2.weight"));
        x = m.batchNorm(prefix + ".bn2", x, out);
        String shortcut = input;
        if (stride != 1 || in != out) {
            ConvSpec down =
                    ConvSpec.of(in, out, 1)
                            .strides(stride, stride)
                            .bias(false)
                            .weightName(prefix + ".downsample.0.weight");
            shortcut = m.batchNorm(prefix + ".downsample.1", m.conv(input, down), out);
        }
        return m.relu(m.add(x, shortcut));
    }

    private static ConvSpec conv(int in, int out, int stride, String weightName) {
        return ConvSpec.of(in, out, 3)
                .strides(stride, stride)
                .same(1)
                .bias(false)
                .weightName(weightName);
    }
}
