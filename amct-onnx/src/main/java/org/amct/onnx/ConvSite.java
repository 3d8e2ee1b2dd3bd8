package org.amct.onnx;

import java.util.List;
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
 * @param tensorValues the weight's and bias's values and, for those that are {@code Identity}
 *     copies, the values they copy: what may become unused when the layer gets new tensors
 * @param foldedWeights whether the weight has a name the exporter made up ({@code onnx::...}), as
 *     torch.onnx does when it folds a BatchNorm into the conv
 */
record ConvSite(
        String layer,
        int nodeIndex,
        String weightName,
        Optional<String> biasName,
        AutoPad autoPad,
        Conv2d conv,
        List<String> tensorValues,
        boolean foldedWeights) {
    ConvSite {
        tensorValues = List.copyOf(tensorValues);
    }
}
