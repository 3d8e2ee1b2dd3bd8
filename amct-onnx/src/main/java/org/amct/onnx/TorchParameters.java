package org.amct.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;

/**
 * Finds the constants of a graph that a PyTorch model holds as parameters or buffers, besides the
 * weights and biases of the Conv2d layers: those that nodes read under a name shaped like a PyTorch
 * state-dict key ({@code fc.weight}, {@code layer1.0.bn1.running_mean}: dotted, two parts or more,
 * each an identifier or a number), whether an initializer, a {@code Constant} output or an {@code
 * Identity} copy (torch.onnx writes equal parameters once and copies them with {@code Identity}
 * nodes under their own names). Names the exporter made up ({@code onnx::Gemm_12}) are not
 * parameters.
 *
 * <p>ONNX does not carry BatchNorm's {@code num_batches_tracked} counter, which PyTorch keeps in
 * the state dict; for each {@code BatchNormalization} node whose running mean is named {@code
 * <module>.running_mean}, {@code <module>.num_batches_tracked} is listed as a counter.
 */
final class TorchParameters {
    /** The last part of the name of BatchNorm's batch counter. */
    static final String BATCHES_TRACKED = "num_batches_tracked";

    /** The prefix torch.onnx gives the values it makes up. */
    static final String SYNTHETIC_PREFIX = "onnx::";

    private static final String RUNNING_MEAN = ".running_mean";

    private static final Pattern NAME =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.([A-Za-z_][A-Za-z0-9_]*|[0-9]+))+");

    private TorchParameters() {}

    /**
     * What a graph holds.
     *
     * @param tensors the parameters' protos by name, in the order nodes first read them
     * @param counters the names of the BatchNorm counters, in node order
     */
    record Found(Map<String, TensorProto> tensors, List<String> counters) {}

    /** Whether a value name has the shape of a PyTorch state-dict key. */
    static boolean isParameterName(String name) {
        return NAME.matcher(name).matches();
    }

    /**
     * Finds the parameters.
     *
     * @param graph the main graph
     * @param constants its constants
     * @param convValues the weight and bias values of the Conv2d layers, left out
     * @return what was found
     */
    static Found find(GraphProto graph, ConstantValues constants, Set<String> convValues) {
        Map<String, TensorProto> tensors = new LinkedHashMap<>();
        List<String> counters = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            for (String input : node.getInputList()) {
                if (isParameterName(input)
                        && !convValues.contains(input)
                        && !tensors.containsKey(input)) {
                    constants
                            .proto(input)
                            .filter(TorchParameters::isStorable)
                            .ifPresent(proto -> tensors.put(input, proto));
                }
            }
            if (node.getOpType().equals("BatchNormalization")
                    && OnnxConstants.isDefaultDomain(node.getDomain())
                    && node.getInputCount() > 3
                    && isParameterName(node.getInput(3))
                    && node.getInput(3).endsWith(RUNNING_MEAN)) {
                String mean = node.getInput(3);
                String counter =
                        mean.substring(0, mean.length() - RUNNING_MEAN.length())
                                + "."
                                + BATCHES_TRACKED;
                if (!counters.contains(counter)) {
                    counters.add(counter);
                }
            }
        }
        counters.removeIf(tensors::containsKey);
        return new Found(tensors, counters);
    }

    /** A tensor amct reads and a weights file can hold: a known type, at least one element. */
    private static boolean isStorable(TensorProto proto) {
        return OnnxConstants.dtypeOf(proto.getDataType()).isPresent()
                && proto.getDimsList().stream().allMatch(d -> d > 0);
    }
}
