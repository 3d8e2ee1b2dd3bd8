package org.amct.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.exception.Quoted;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;

/**
 * The second half of the offline flow in one call: loads decomposed weights into a model that
 * {@link TensorDecompose#decomposeNetwork} restructured, and writes them in the first place.
 *
 * <p>Two shapes of weights file are accepted, each strictly:
 *
 * <ul>
 *   <li>{@link #loadConvParameters}: exactly the Conv2d parameters of the model ({@code
 *       layer1.0.conv1.0.weight}, {@code layer1.0.conv1.1.bias}, ...), as {@link #write} writes
 *       them; the model's other parameters (batch norm, linear layers) are kept. ({@code amct
 *       decompose} writes more into {@code decomposed_weights.safetensors}: the whole PyTorch state
 *       dict its ONNX file holds, which {@code amct apply} loads.)
 *   <li>{@link #loadStateDict}: every parameter of the model, as {@link ModelGraph#stateDict()}
 *       gives them.
 * </ul>
 *
 * <p>A missing or extra name, a shape that differs, or a tensor that is not floating point is a
 * {@link ModelMismatchException} that names the file and every key that does not fit; the model is
 * never changed (graphs are immutable; a new one is returned). A floating-point tensor of another
 * float type is converted to the model's type, as PyTorch's {@code load_state_dict} does.
 *
 * <p>Thread-safe: the methods are pure functions of their arguments, apart from the files.
 */
public final class DecomposedWeights {
    private DecomposedWeights() {}

    /**
     * The model's Conv2d parameters with the names PyTorch gives them, in model order: what {@link
     * #write} stores and {@link #loadConvParameters} expects.
     *
     * @param model the model
     * @return an unmodifiable map from dotted name ({@code layer1.0.conv1.0.weight}) to tensor; the
     *     tensors are shared, not copied
     */
    public static Map<String, Tensor> convParameters(ModelGraph model) {
        Objects.requireNonNull(model, "model");
        Map<String, Tensor> params = new LinkedHashMap<>();
        model.convs()
                .forEach(
                        (name, conv) ->
                                conv.parameters()
                                        .forEach(
                                                (local, tensor) ->
                                                        params.put(
                                                                name.isEmpty()
                                                                        ? local
                                                                        : name + "." + local,
                                                                tensor)));
        return Collections.unmodifiableMap(params);
    }

    /**
     * Writes the model's Conv2d parameters ({@link #convParameters}) as a safetensors file,
     * atomically.
     *
     * @param model the decomposed model
     * @param file the target; replaced only when complete
     * @param metadata strings stored as the file's {@code __metadata__}; may be empty
     * @throws IOException if writing fails; the target is then unchanged
     */
    public static void write(ModelGraph model, Path file, Map<String, String> metadata)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(metadata, "metadata");
        Safetensors.write(file, convParameters(model), metadata);
    }

    /**
     * Loads a safetensors file that holds exactly the model's Conv2d parameters.
     *
     * @param model the restructured model; not modified
     * @param file the weights, for example {@code decomposed_weights.safetensors}
     * @return a model with those Conv2d parameters and its other parameters as they were
     * @throws IOException if the file cannot be read
     * @throws org.amct.api.exception.ModelFormatException if the file is not valid safetensors
     * @throws ModelMismatchException naming the file and the keys that do not fit
     */
    public static ModelGraph loadConvParameters(ModelGraph model, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return loadConvParameters(model, Safetensors.read(file).tensors(), file.toString());
    }

    /**
     * Loads tensors that are exactly the model's Conv2d parameters.
     *
     * @param model the restructured model; not modified
     * @param tensors tensors by dotted parameter name
     * @param source where the tensors come from, for messages (a file name)
     * @return a model with those Conv2d parameters and its other parameters as they were
     * @throws ModelMismatchException naming the source and the keys that do not fit
     */
    public static ModelGraph loadConvParameters(
            ModelGraph model, Map<String, Tensor> tensors, String source) {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(source, "source");
        check(convParameters(model), tensors, source, "Conv2d parameters");
        Map<String, Tensor> all = new LinkedHashMap<>(model.stateDict());
        all.putAll(tensors);
        return model.loadStateDict(all);
    }

    /**
     * Loads a safetensors file that holds every parameter of the model.
     *
     * @param model the restructured model; not modified
     * @param file the weights, for example a state dict saved with {@link Safetensors#write}
     * @return a model with all parameters taken from the file
     * @throws IOException if the file cannot be read
     * @throws org.amct.api.exception.ModelFormatException if the file is not valid safetensors
     * @throws ModelMismatchException naming the file and the keys that do not fit
     */
    public static ModelGraph loadStateDict(ModelGraph model, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return loadStateDict(model, Safetensors.read(file).tensors(), file.toString());
    }

    /**
     * Loads tensors that are every parameter of the model.
     *
     * @param model the restructured model; not modified
     * @param tensors tensors by dotted parameter name
     * @param source where the tensors come from, for messages (a file name)
     * @return a model with all parameters taken from {@code tensors}
     * @throws ModelMismatchException naming the source and the keys that do not fit
     */
    public static ModelGraph loadStateDict(
            ModelGraph model, Map<String, Tensor> tensors, String source) {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(source, "source");
        check(model.stateDict(), tensors, source, "parameters");
        return model.loadStateDict(tensors);
    }

    /** Every key of {@code expected} given, no other, each a float tensor of the same shape. */
    private static void check(
            Map<String, Tensor> expected, Map<String, Tensor> given, String source, String what) {
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(given.keySet());
        TreeSet<String> unexpected = new TreeSet<>(given.keySet());
        unexpected.removeAll(expected.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new ModelMismatchException(
                    "Weights file '"
                            + source
                            + "' does not fit the model: missing "
                            + what
                            + " "
                            + few(missing)
                            + "; unexpected names "
                            + few(unexpected)
                            + ". Was it written for this model and decomposition info?");
        }
        TreeSet<String> mismatched = new TreeSet<>();
        StringBuilder details = new StringBuilder();
        for (Map.Entry<String, Tensor> entry : expected.entrySet()) {
            Tensor tensor = given.get(entry.getKey());
            Tensor wanted = entry.getValue();
            boolean fits =
                    Arrays.equals(tensor.shape(), wanted.shape())
                            && (tensor.dtype() == wanted.dtype()
                                    || (tensor.dtype().isFloatingPoint()
                                            && wanted.dtype().isFloatingPoint()));
            if (!fits) {
                mismatched.add(entry.getKey());
                if (details.length() < 400) {
                    details.append(details.length() == 0 ? "" : "; ")
                            .append('\'')
                            .append(entry.getKey())
                            .append("' is ")
                            .append(tensor.dtype())
                            .append(Arrays.toString(tensor.shape()))
                            .append(" but the model expects ")
                            .append(wanted.dtype())
                            .append(Arrays.toString(wanted.shape()));
                }
            }
        }
        if (!mismatched.isEmpty()) {
            throw new ModelMismatchException(
                    "Weights file '"
                            + source
                            + "' does not fit the model: "
                            + mismatched.size()
                            + " tensors differ in shape or type "
                            + few(mismatched)
                            + ": "
                            + details
                            + ". Was it written for this model and decomposition info?");
        }
        // NaN or infinity loaded into the model would make it compute NaN everywhere.
        for (String name : expected.keySet()) {
            requireFinite(source, name, given.get(name));
        }
    }

    /**
     * A list of names short enough for one line: the count, then the first five (a model can have
     * hundreds of parameters, and one line of 4,000 characters helps nobody).
     *
     * @param names the names, sorted
     * @return for example {@code "none"}, {@code "1 (a)"} or {@code "80 (a, b, c, d, e and 75
     *     more)"}
     */
    static String few(TreeSet<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        int shown = 5;
        return names.size()
                + " ("
                + String.join(", ", names.stream().limit(shown).toList())
                + (names.size() > shown ? " and " + (names.size() - shown) + " more" : "")
                + ")";
    }

    /**
     * Refuses a floating-point tensor that holds NaN or infinity, since loading it would give a
     * model that computes NaN everywhere. Other element types pass.
     *
     * @param source the weights file (or another label), for the message
     * @param name the tensor's name
     * @param tensor the tensor
     * @throws ModelMismatchException naming the file, the tensor and the first bad element
     */
    public static void requireFinite(Object source, String name, Tensor tensor) {
        if (!tensor.dtype().isFloatingPoint()) {
            return;
        }
        long bad = tensor.firstNonFiniteIndex();
        if (bad >= 0) {
            throw new ModelMismatchException(
                    "Weights file "
                            + Quoted.of(source)
                            + ", tensor "
                            + Quoted.of(name)
                            + ": element "
                            + bad
                            + " (flat index into shape "
                            + Arrays.toString(tensor.shape())
                            + ") is "
                            + tensor.getDouble(bad)
                            + ". Loading it would give a model that computes NaN; fix the file.");
        }
    }
}
