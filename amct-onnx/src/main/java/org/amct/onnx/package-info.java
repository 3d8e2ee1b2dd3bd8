/**
 * ONNX in and out: {@link org.amct.onnx.OnnxModel} reads an ONNX file, maps each 2-D {@code Conv}
 * node whose weight is a constant (a graph initializer, a {@code Constant} node or external data
 * next to the model) to a {@link org.amct.api.graph.Conv2d} of a {@link
 * org.amct.api.graph.ModelGraph}, and writes a decomposed or reloaded graph back as ONNX: each
 * decomposed layer becomes two {@code Conv} nodes named {@code <layer>.0} and {@code <layer>.1},
 * and everything else in the file is carried through unchanged, unknown fields included.
 *
 * <p>Layer names follow PyTorch's export: the weight initializer's name without its trailing {@code
 * .weight} ({@code layer1.0.conv1.weight} gives {@code layer1.0.conv1}), else the node's name, else
 * a generated {@code Conv_<index>}.
 */
package org.amct.onnx;
