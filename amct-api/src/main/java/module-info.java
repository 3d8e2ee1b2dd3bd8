/**
 * amct's API: the model graph, the decomposition core, the decomposition-info and safetensors
 * formats, backend discovery, and the entry points {@link org.amct.api.TensorDecompose}.
 *
 * <p>Settings read from the environment: the system property {@code amct.backend} (default: none),
 * then the environment variable {@code AMCT_BACKEND} (default: none), force a backend by id;
 * otherwise the available backend with the highest priority is used.
 */
// The io, bench and decompose packages are exported to modules built after this one.
@SuppressWarnings("module")
module org.amct.api {
    requires transitive org.amct.spi;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.management;

    exports org.amct.api;
    exports org.amct.api.exception;
    exports org.amct.api.graph;
    exports org.amct.api.format;
    exports org.amct.api.backend;
    exports org.amct.api.report;
    // Internal tooling for the CLI and the ONNX codec: not part of the public API.
    exports org.amct.api.io to
            org.amct.cli,
            org.amct.onnx;
    exports org.amct.api.bench to
            org.amct.cli;
    // The budget knapsack, shared with the calibration module's end-to-end refinement.
    exports org.amct.api.decompose to
            org.amct.calibration;

    opens org.amct.api.schema to
            com.fasterxml.jackson.databind;

    uses org.amct.spi.ComputeBackendProvider;
}
