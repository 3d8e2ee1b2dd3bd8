package org.amct.onnx;

import java.util.Objects;

/**
 * An ONNX {@code Conv} node that is not in the model graph as a {@link org.amct.api.graph.Conv2d},
 * and why: a 1-D or 3-D convolution, or a weight computed at run time. The writer leaves it as it
 * is.
 *
 * @param node the node's name, or a description such as {@code "Conv node #12 (output 'y')"}
 * @param reason why it is not mapped, for example {@code "1-D convolution (weight rank 3)"}
 */
public record UnmappedConv(String node, String reason) {
    /**
     * Checks that both parts are present.
     *
     * @param node the node's name, or a description such as {@code "Conv node #12 (output 'y')"}
     * @param reason why it is not mapped, for example {@code "1-D convolution (weight rank 3)"}
     */
    public UnmappedConv {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(reason, "reason");
    }
}
