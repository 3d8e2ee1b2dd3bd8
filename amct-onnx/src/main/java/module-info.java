/**
 * amct's ONNX codec: reads an ONNX model into an amct {@link org.amct.api.graph.ModelGraph} and
 * writes a decomposed graph back as ONNX ({@link org.amct.onnx.OnnxModel}). It is the only module
 * that needs protobuf; programs that build their model in code use amct-api alone.
 */
module org.amct.onnx {
    requires transitive org.amct.api;
    requires com.google.protobuf;
    requires org.slf4j;

    exports org.amct.onnx;
}
