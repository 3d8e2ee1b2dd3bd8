package org.amct.calibration;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;

/**
 * A model loaded in ONNX Runtime (CPU) with a fixed number of threads. Inputs are amct {@link
 * Tensor}s; outputs come back as float64 arrays. Not thread-safe; close it to free its native
 * memory.
 */
public final class OrtModel implements AutoCloseable {
    private final String file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<ModelInput> inputs;

    /**
     * One output of a run.
     *
     * @param shape its dimensions
     * @param values its elements as float64, row-major
     */
    public record Output(long[] shape, double[] values) {
        /**
         * Copies nothing: the arrays belong to the record.
         *
         * @param shape its dimensions
         * @param values its elements as float64, row-major
         */
        public Output {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(values, "values");
        }
    }

    private OrtModel(String file, OrtEnvironment env, OrtSession session, List<ModelInput> inputs) {
        this.file = file;
        this.env = env;
        this.session = session;
        this.inputs = inputs;
    }

    /**
     * Loads a model.
     *
     * @param file the {@code .onnx} file (external data next to it)
     * @param threads intra-op threads; 0 means ONNX Runtime's default (all cores)
     * @return the loaded model
     * @throws IOException if the file does not exist or cannot be read
     * @throws InferenceException if ONNX Runtime cannot load it or an input has an unsupported type
     */
    public static OrtModel open(Path file, int threads) throws IOException {
        return open(file, threads, OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }

    /**
     * Loads a model with a given graph optimization level.
     *
     * @param file the {@code .onnx} file (external data next to it)
     * @param threads intra-op threads; 0 means ONNX Runtime's default (all cores)
     * @param level how far ONNX Runtime may rewrite the graph
     * @return the loaded model
     * @throws IOException if the file does not exist or cannot be read
     */
    static OrtModel open(Path file, int threads, OrtSession.SessionOptions.OptLevel level)
            throws IOException {
        Objects.requireNonNull(file, "file");
        // ONNX Runtime reads the file itself and says "load model failed" for any reason: the file
        // system's failures are told apart first, as IOExceptions (docs/errors.md, the I/O policy).
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString(), null, "cannot be read");
        }
        return open(
                file.toString(),
                threads,
                level,
                (env, options) -> env.createSession(file.toString(), options));
    }

    /**
     * Loads a model from the bytes of an {@code .onnx} file with every tensor inline (for example
     * {@link org.amct.onnx.OnnxModel#toByteArray}), without touching the disk.
     *
     * @param model the serialized model
     * @param name what messages call it
     * @param threads intra-op threads; 0 means ONNX Runtime's default (all cores)
     * @return the loaded model
     * @throws InferenceException if ONNX Runtime cannot load it or an input has an unsupported type
     */
    public static OrtModel fromBytes(byte[] model, String name, int threads) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(name, "name");
        return open(
                name,
                threads,
                OrtSession.SessionOptions.OptLevel.ALL_OPT,
                (env, options) -> env.createSession(model, options));
    }

    /** Creates a session from a file or from bytes. */
    private interface SessionSource {
        OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options)
                throws OrtException;
    }

    private static OrtModel open(
            String name,
            int threads,
            OrtSession.SessionOptions.OptLevel level,
            SessionSource source) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(level);
            OrtSession session = source.create(env, options);
            try {
                return new OrtModel(name, env, session, describeInputs(name, session));
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime cannot load model '" + name + "': " + e.getMessage(), e);
        }
    }

    private static List<ModelInput> describeInputs(String file, OrtSession session)
            throws OrtException {
        List<ModelInput> inputs = new ArrayList<>();
        for (Map.Entry<String, NodeInfo> entry : session.getInputInfo().entrySet()) {
            if (!(entry.getValue().getInfo() instanceof TensorInfo info)) {
                throw new InferenceException(
                        "Model '"
                                + file
                                + "': input '"
                                + entry.getKey()
                                + "' is not a tensor; calibration feeds tensors only");
            }
            inputs.add(
                    new ModelInput(
                            entry.getKey(),
                            info.getShape(),
                            dtype(file, entry.getKey(), info.type)));
        }
        return List.copyOf(inputs);
    }

    private static DType dtype(String file, String name, OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> DType.FLOAT32;
            case DOUBLE -> DType.FLOAT64;
            case FLOAT16 -> DType.FLOAT16;
            case UINT8 -> DType.UINT8;
            case INT8 -> DType.INT8;
            case INT32 -> DType.INT32;
            case INT64 -> DType.INT64;
            default ->
                    throw new InferenceException(
                            "Model '"
                                    + file
                                    + "': input '"
                                    + name
                                    + "' has element type "
                                    + type
                                    + ", which amct cannot feed");
        };
    }

    /**
     * What messages call the model.
     *
     * @return the path as loaded, or the name given to a model loaded from bytes
     */
    public String source() {
        return file;
    }

    /**
     * The inputs, in the model's order.
     *
     * @return the inputs
     */
    public List<ModelInput> inputs() {
        return inputs;
    }

    /**
     * The output names, in the model's order.
     *
     * @return the names
     */
    public List<String> outputNames() {
        return List.copyOf(session.getOutputNames());
    }

    /**
     * Runs the model on one batch.
     *
     * @param batch a tensor per input name
     * @param outputs the outputs to compute; empty means all
     * @return the outputs by name, in the order asked
     * @throws InferenceException if ONNX Runtime fails
     */
    public Map<String, Output> run(Map<String, Tensor> batch, Set<String> outputs) {
        Map<String, OnnxTensor> feeds = feeds(batch);
        try {
            try (OrtSession.Result result =
                    outputs.isEmpty() ? session.run(feeds) : session.run(feeds, outputs)) {
                Map<String, Output> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> entry : result) {
                    out.put(entry.getKey(), read(entry.getKey(), entry.getValue()));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed to run model '" + file + "': " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** Runs the model on one batch and throws the outputs away (for timing). */
    void runDiscarding(Map<String, OnnxTensor> feeds) {
        try (OrtSession.Result result = session.run(feeds)) {
            Objects.requireNonNull(result);
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed to run model '" + file + "': " + e.getMessage(), e);
        }
    }

    /** The native tensors of a batch, to be closed by the caller. */
    Map<String, OnnxTensor> feeds(Map<String, Tensor> batch) {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> entry : batch.entrySet()) {
                feeds.put(entry.getKey(), onnxTensor(entry.getValue()));
            }
            return feeds;
        } catch (OrtException e) {
            feeds.values().forEach(OnnxTensor::close);
            throw new InferenceException(
                    "ONNX Runtime cannot take the inputs of model '"
                            + file
                            + "': "
                            + e.getMessage(),
                    e);
        }
    }

    private OnnxTensor onnxTensor(Tensor tensor) throws OrtException {
        long[] shape = Arrays.stream(tensor.shape()).asLongStream().toArray();
        ByteBuffer data =
                ByteBuffer.allocateDirect((int) tensor.byteSize()).order(ByteOrder.nativeOrder());
        ByteBuffer source = tensor.data().order(ByteOrder.LITTLE_ENDIAN);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN && tensor.dtype().byteSize() > 1) {
            throw new InferenceException("ONNX Runtime on a big-endian machine is not supported");
        }
        data.put(source).flip();
        OnnxJavaType type =
                switch (tensor.dtype()) {
                    case FLOAT32 -> OnnxJavaType.FLOAT;
                    case FLOAT64 -> OnnxJavaType.DOUBLE;
                    case FLOAT16 -> OnnxJavaType.FLOAT16;
                    case UINT8 -> OnnxJavaType.UINT8;
                    case INT8 -> OnnxJavaType.INT8;
                    case INT32 -> OnnxJavaType.INT32;
                    case INT64 -> OnnxJavaType.INT64;
                    default ->
                            throw new InferenceException(
                                    "Cannot feed a "
                                            + tensor.dtype()
                                            + " tensor to '"
                                            + file
                                            + "'");
                };
        return OnnxTensor.createTensor(env, data, shape, type);
    }

    private Output read(String name, OnnxValue value) throws OrtException {
        if (!(value instanceof OnnxTensor tensor)) {
            throw new InferenceException(
                    "Model '" + file + "': output '" + name + "' is not a tensor");
        }
        long[] shape = tensor.getInfo().getShape();
        OnnxJavaType type = tensor.getInfo().type;
        double[] values;
        switch (type) {
            case FLOAT -> {
                FloatBuffer buffer = tensor.getFloatBuffer();
                values = new double[buffer.remaining()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = buffer.get(i);
                }
            }
            case DOUBLE -> {
                DoubleBuffer buffer = tensor.getDoubleBuffer();
                values = new double[buffer.remaining()];
                buffer.get(values);
            }
            case INT64 -> {
                LongBuffer buffer = tensor.getLongBuffer();
                values = new double[buffer.remaining()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = buffer.get(i);
                }
            }
            default ->
                    throw new InferenceException(
                            "Model '"
                                    + file
                                    + "': output '"
                                    + name
                                    + "' has element type "
                                    + type
                                    + "; only float32, float64 and int64 outputs can be read");
        }
        return new Output(shape, values);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed to release model '" + file + "': " + e.getMessage(), e);
        }
    }
}
