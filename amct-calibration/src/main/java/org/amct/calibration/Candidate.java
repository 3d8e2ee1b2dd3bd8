package org.amct.calibration;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.amct.api.DecompositionResult;
import org.amct.api.graph.ModelGraph;
import org.amct.onnx.OnnxModel;

/**
 * A decomposed model that a refinement or a search wants scored: the graph, the ranks of the layers
 * it decomposes, and (on demand, once) the model as the bytes of an {@code .onnx} file, for a score
 * that runs it in an inference engine. Not thread-safe.
 */
public final class Candidate {
    private final OnnxModel source;
    private final DecompositionResult result;
    private final Map<String, Integer> ranks;
    private byte[] onnx;

    Candidate(OnnxModel source, DecompositionResult result) {
        this.source = Objects.requireNonNull(source, "source");
        this.result = Objects.requireNonNull(result, "result");
        Map<String, Integer> r = new LinkedHashMap<>();
        result.layers().forEach(layer -> r.put(layer.name(), layer.rank()));
        this.ranks = Collections.unmodifiableMap(r);
    }

    /**
     * The decomposed model.
     *
     * @return the graph (the original where no layer is decomposed)
     */
    public ModelGraph model() {
        return result.model();
    }

    /**
     * The decomposition behind the model: per-layer reports and totals.
     *
     * @return the result
     */
    public DecompositionResult result() {
        return result;
    }

    /**
     * The rank of each decomposed layer.
     *
     * @return layer name to rank, in model order; a layer not listed is unchanged
     */
    public Map<String, Integer> ranks() {
        return ranks;
    }

    /**
     * The model as an {@code .onnx} file's bytes, every tensor inline ({@link
     * OnnxModel#toByteArray}); serialized on the first call and kept.
     *
     * @return the bytes (the same array on every call: do not change it)
     * @throws IOException if the original's external data cannot be read
     */
    public byte[] onnx() throws IOException {
        if (onnx == null) {
            onnx = source.toByteArray(result.model());
        }
        return onnx;
    }

    /** Drops the serialized bytes, once scored. */
    void release() {
        onnx = null;
    }
}
