/**
 * ONNX in and out: {@link org.amct.onnx.OnnxModel} reads an ONNX file, maps each 2-D {@code Conv}
 * node whose weight is a constant (a graph initializer, a {@code Constant} node or external data
 * next to the model) to a {@link org.amct.api.graph.Conv2d} of a {@link
 * org.amct.api.graph.ModelGraph}, and writes a decomposed or reloaded graph back as ONNX: each
 * decomposed layer becomes two {@code Conv} nodes named {@code <layer>.0} and {@code <layer>.1},
 * and everything else in the file is carried through unchanged, unknown fields included.
 *
 * <p>Layer names follow PyTorch's export, first that applies, each unique: the weight's name
 * without its trailing {@code .weight} ({@code layer1.0.conv1.weight} gives {@code
 * layer1.0.conv1}); the module path in a node name of torch.onnx's scoped form, for weights the
 * exporter renamed ({@code onnx::Conv_193}, BatchNorm folded in): {@code
 * /layer2/layer2.0/downsample/downsample.0/Conv} gives {@code layer2.0.downsample.0}, each {@code
 * /} segment being a module's qualified name cut to start at its last non-numeric part; the node's
 * name; a generated {@code Conv_<index>}. The nodes and initializers written back are named after
 * the layer.
 *
 * <p>Weights and biases behind {@code Identity} nodes (torch.onnx's copies of deduplicated
 * initializers, and chains of them, also of {@code Constant} outputs) are read as the constants
 * they copy; a value that is computed at run time leaves its conv unmapped with the reason. {@link
 * org.amct.onnx.OnnxModel#otherParameters()} gives the rest of the PyTorch state dict the file
 * holds (Linear, BatchNorm with its statistics, other convs) and {@link
 * org.amct.onnx.OnnxModel#foldedLayers()} the layers whose weights are the exporter's BatchNorm
 * folds.
 */
package org.amct.onnx;
