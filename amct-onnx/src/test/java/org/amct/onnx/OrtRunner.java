package org.amct.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Runs ONNX models in ONNX Runtime on seeded random float inputs. */
final class OrtRunner {
    private OrtRunner() {}

    /**
     * One output.
     *
     * @param shape its dimensions
     * @param values its elements, row-major
     */
    record Output(long[] shape, float[] values) {}

    /**
     * Runs the model once; symbolic input dimensions are 1, and {@code spatial} (when positive)
     * replaces the last two input dimensions.
     */
    static Map<String, Output> run(Path model, long seed, int spatial) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = env.createSession(model.toString(), options)) {
                return run(env, session, seed, spatial);
            }
        }
    }

    private static Map<String, Output> run(
            OrtEnvironment env, OrtSession session, long seed, int spatial) throws OrtException {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NodeInfo> entry : session.getInputInfo().entrySet()) {
                long[] shape = ((TensorInfo) entry.getValue().getInfo()).getShape();
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shape[i] < 1 ? 1 : shape[i];
                    if (spatial > 0 && i >= shape.length - 2) {
                        shape[i] = spatial;
                    }
                }
                float[] values = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextDouble(-1, 1);
                }
                inputs.put(
                        entry.getKey(),
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape));
            }
            Map<String, Output> outputs = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(inputs)) {
                for (Map.Entry<String, OnnxValue> entry : result) {
                    OnnxTensor tensor = (OnnxTensor) entry.getValue();
                    FloatBuffer buffer = tensor.getFloatBuffer();
                    float[] values = new float[buffer.remaining()];
                    buffer.get(values);
                    outputs.put(entry.getKey(), new Output(tensor.getInfo().getShape(), values));
                }
            }
            return outputs;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** {@code max |a - b| / max |b|} over all elements. */
    static double relativeDifference(float[] actual, float[] expected) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / Math.max(scale, Double.MIN_NORMAL);
    }
}
