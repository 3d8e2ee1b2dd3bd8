package org.amct.onnx;

import org.amct.api.graph.DType;

/** The settings of one test Conv node; fluent, mutable, for tests only. */
final class ConvSpec {
    /** Where the test model keeps a weight. */
    enum Source {
        INITIALIZER,
        CONSTANT_NODE,
        EXTERNAL,
        FLOAT_DATA
    }

    final int inChannels;
    final int outChannels;
    final int kernelH;
    final int kernelW;
    int[] strides = {1, 1};
    int[] pads = {0, 0, 0, 0};
    int[] dilations = {1, 1};
    int group = 1;
    String autoPad;
    boolean bias = true;
    Source source = Source.INITIALIZER;
    DType dtype = DType.FLOAT32;
    String weightName;
    String nodeName = "";

    ConvSpec(int inChannels, int outChannels, int kernelH, int kernelW) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
    }

    static ConvSpec of(int inChannels, int outChannels, int kernel) {
        return new ConvSpec(inChannels, outChannels, kernel, kernel);
    }

    ConvSpec strides(int height, int width) {
        strides = new int[] {height, width};
        return this;
    }

    ConvSpec pads(int top, int left, int bottom, int right) {
        pads = new int[] {top, left, bottom, right};
        return this;
    }

    ConvSpec same(int pad) {
        return pads(pad, pad, pad, pad);
    }

    ConvSpec dilations(int height, int width) {
        dilations = new int[] {height, width};
        return this;
    }

    ConvSpec group(int value) {
        group = value;
        return this;
    }

    ConvSpec autoPad(String value) {
        autoPad = value;
        return this;
    }

    ConvSpec bias(boolean value) {
        bias = value;
        return this;
    }

    ConvSpec source(Source value) {
        source = value;
        return this;
    }

    ConvSpec dtype(DType value) {
        dtype = value;
        return this;
    }

    ConvSpec weightName(String value) {
        weightName = value;
        return this;
    }

    ConvSpec nodeName(String value) {
        nodeName = value;
        return this;
    }
}
