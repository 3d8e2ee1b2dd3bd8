package org.amct.onnx.docs;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.amct.api.DecomposedWeights;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerInspection;
import org.amct.api.LayerReport;
import org.amct.api.NetworkDecomposition;
import org.amct.api.TensorDecompose;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;
import org.amct.api.report.HtmlReport;
import org.amct.onnx.OnnxModel;

/**
 * The Java snippets of docs/java-guide.md, as code the build compiles and {@link JavaGuideTest}
 * runs. Each snippet is the region between {@code // tag::name[]} and {@code // end::name[]}.
 */
final class JavaGuide {
    private JavaGuide() {}

    /** Options, the per-layer report and the HTML report. */
    static DecompositionResult withOptions(ModelGraph model, Path dir, PrintStream out)
            throws IOException {
        // tag::options[]
        DecompositionOptions options =
                DecompositionOptions.builder()
                        .backend("ejml") // force a backend; leave out for the automatic choice
                        .threads(2) // 0, the default, means the cores the load leaves idle
                        .decomposeInfoFile(dir.resolve("decompose_info.json"))
                        .build();
        DecompositionResult result = TensorDecompose.autoDecomposition(model, options);
        // end::options[]
        // tag::report[]
        out.println("backend: " + result.backend().id() + " on " + result.backend().device());
        for (LayerReport layer : result.layers()) {
            out.printf(
                    "%s: %s rank %d, %d -> %d parameters, relative error %.3f%n",
                    layer.name(),
                    layer.mode(),
                    layer.rank(),
                    layer.paramsBefore(),
                    layer.paramsAfter(),
                    layer.relativeError());
        }
        result.skipped().forEach(s -> out.println("unchanged " + s.name() + ": " + s.reason()));
        HtmlReport.write(result.summary(), dir.resolve("report.html"));
        // end::report[]
        return result;
    }

    /** Which layers would change, without changing anything. */
    static List<LayerInspection> inspect(ModelGraph model, PrintStream out) {
        // tag::inspect[]
        List<LayerInspection> layers =
                TensorDecompose.inspect(model, DecompositionOptions.defaults(), true);
        for (LayerInspection layer : layers) {
            out.println(
                    layer.name()
                            + (layer.eligible()
                                    ? ": " + layer.mode().orElseThrow() + " rank " + layer.rank()
                                    : ": unchanged, " + layer.reason().orElseThrow()));
        }
        // end::inspect[]
        return layers;
    }

    /** The decomposed parameters handed to a training framework. */
    static int feedParameters(ModelGraph ready, PrintStream out) {
        // tag::state-dict[]
        Map<String, Tensor> parameters = ready.stateDict(); // PyTorch names, model order
        for (Map.Entry<String, Tensor> entry : parameters.entrySet()) {
            Tensor tensor = entry.getValue();
            float[] values = tensor.toFloats(); // row-major, shape tensor.shape()
            out.println(
                    entry.getKey() + " " + Arrays.toString(tensor.shape()) + ": " + values.length);
        }
        // end::state-dict[]
        return parameters.size();
    }

    /** ONNX in, ONNX out. */
    static Path decomposeOnnx(Path modelFile, Path dir) throws IOException {
        // tag::onnx[]
        OnnxModel onnx = OnnxModel.read(modelFile); // its Conv nodes become Conv2d layers
        Path info = dir.resolve("decompose_info.json");
        DecompositionResult result = TensorDecompose.autoDecomposition(onnx.graph(), info);
        Path decomposed = dir.resolve("tiny_resnet_decomposed.onnx");
        onnx.write(result.model(), decomposed); // every other node is carried through
        DecomposedWeights.write( // the Conv2d parameters; the CLI adds otherParameters()
                result.model(), dir.resolve("decomposed_weights.safetensors"), Map.of());
        // end::onnx[]
        return decomposed;
    }

    /** The offline flow on ONNX: the original model, the info file and the weights. */
    static Path applyToOnnx(Path modelFile, Path info, Path weights, Path dir) throws IOException {
        // tag::onnx-offline[]
        OnnxModel original = OnnxModel.read(modelFile);
        NetworkDecomposition restructured =
                TensorDecompose.decomposeNetwork(original.graph(), info);
        ModelGraph loaded = DecomposedWeights.loadConvParameters(restructured.model(), weights);
        Path applied = dir.resolve("tiny_resnet_applied.onnx");
        original.write(loaded, applied);
        // end::onnx-offline[]
        return applied;
    }

    /** Runs the decomposed model in ONNX Runtime. */
    static float[] runInOnnxRuntime(Path decomposed) throws OrtException {
        // tag::ort[]
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] image = new float[1 * 3 * 32 * 32]; // NCHW, as the model's input says
        try (OrtSession session =
                        env.createSession(decomposed.toString(), new OrtSession.SessionOptions());
                OnnxTensor input =
                        OnnxTensor.createTensor(
                                env, FloatBuffer.wrap(image), new long[] {1, 3, 32, 32});
                OrtSession.Result output = session.run(Map.of("input", input))) {
            float[][] logits = (float[][]) output.get(0).getValue();
            return logits[0];
        }
        // end::ort[]
    }
}
