package org.amct.api.graph;

/** How a convolution fills its padding, as PyTorch's {@code padding_mode}. */
public enum PaddingMode {
    /** Pads with zeros. */
    ZEROS,
    /** Mirrors the input without repeating the edge. */
    REFLECT,
    /** Repeats the edge value. */
    REPLICATE,
    /** Wraps around. */
    CIRCULAR
}
