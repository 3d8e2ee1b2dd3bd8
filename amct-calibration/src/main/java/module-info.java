/**
 * amct's calibration: runs ONNX models in ONNX Runtime on calibration data ({@code .npy} files),
 * measures each eligible layer's input-patch second moment for data-aware factors ({@link
 * org.amct.calibration.PatchStatistics}), and compares a decomposed model's outputs with the
 * original's ({@link org.amct.calibration.Fidelity}). It is the only module that needs ONNX
 * Runtime.
 */
module org.amct.calibration {
    requires transitive org.amct.api;
    requires transitive org.amct.onnx;
    requires com.microsoft.onnxruntime;
    requires org.slf4j;

    exports org.amct.calibration;
}
