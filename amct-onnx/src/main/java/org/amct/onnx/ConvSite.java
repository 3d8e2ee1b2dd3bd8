package org.amct.onnx;

import java.util.Optional;
import org.amct.api.graph.Conv2d;

/**
 * Where a {@link Conv2d} of the graph lives in the ONNX file.
 *
 * @param layer the layer's dotted name in the graph
 * @param nodeIndex the index of its {@code Conv} node in the main graph
 * @param weightName the name of the value that holds the weight
 * @param biasName the name of the value that holds the bias, when there is one
 * @param autoPad the node's {@code auto_pad}
 * @param conv the layer as read
 */
record ConvSite(
        String layer,
        int nodeIndex,
        String weightName,
        Optional<String> biasName,
        AutoPad autoPad,
        Conv2d conv) {}
