package org.amct.onnx;

import org.amct.api.exception.ModelMismatchException;
import org.amct.api.graph.Conv2d;

/** Checks that a layer of the graph to write still fits the Conv node it came from. */
final class WriteChecks {
    private WriteChecks() {}

    /** A reloaded layer must keep every hyper-parameter, its bias presence and its dtype. */
    static void sameHyperParameters(String where, Conv2d read, Conv2d written) {
        check(where, "in_channels", read.inChannels(), written.inChannels());
        check(where, "out_channels", read.outChannels(), written.outChannels());
        check(where, "kernel_size", read.kernelSize(), written.kernelSize());
        check(where, "stride", read.stride(), written.stride());
        check(where, "padding", read.padding(), written.padding());
        check(where, "dilation", read.dilation(), written.dilation());
        check(where, "groups", read.groups(), written.groups());
        check(where, "bias", read.hasBias(), written.hasBias());
        check(where, "dtype", read.weight().dtype(), written.weight().dtype());
    }

    /** Two convs replacing one must chain and keep the outer channels and the dtype. */
    static void fitsAsPair(String where, Conv2d read, Conv2d first, Conv2d last) {
        check(where, "in_channels of '0'", read.inChannels(), first.inChannels());
        check(where, "out_channels of '1'", read.outChannels(), last.outChannels());
        check(where, "in_channels of '1'", first.outChannels(), last.inChannels());
        check(where, "dtype of '0'", read.weight().dtype(), first.weight().dtype());
        check(where, "dtype of '1'", read.weight().dtype(), last.weight().dtype());
    }

    private static void check(String where, String field, Object expected, Object found) {
        if (!expected.equals(found)) {
            throw new ModelMismatchException(
                    where
                            + ": "
                            + field
                            + " is "
                            + found
                            + " in the graph to write but "
                            + expected
                            + " in the ONNX file");
        }
    }
}
