package org.amct.api.graph;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An immutable model: a tree of {@link Layer}s under one root, addressed by dotted names as in
 * PyTorch ({@code layer1.0.conv1}; the root itself is {@code ""}). Edits return a new graph that
 * shares everything untouched. Thread-safe.
 */
public final class ModelGraph {
    private final Layer root;

    private ModelGraph(Layer root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /**
     * A graph with the given root.
     *
     * @param root the root layer; may itself be a single {@link Conv2d}
     * @return the graph
     */
    public static ModelGraph of(Layer root) {
        return new ModelGraph(root);
    }

    /**
     * Starts a builder whose root is a container of the given type name.
     *
     * @param typeName the root's type, for example {@code "ResNet"}
     * @return a builder
     */
    public static ModelBuilder builder(String typeName) {
        return new ModelBuilder(typeName);
    }

    /**
     * The root layer.
     *
     * @return the root
     */
    public Layer root() {
        return root;
    }

    /**
     * Every layer below the root with its dotted name, in model order (a parent before its
     * children, children in their order).
     *
     * @return an unmodifiable ordered map
     */
    public Map<String, Layer> layers() {
        Map<String, Layer> all = new LinkedHashMap<>();
        collect("", root, all);
        all.remove("");
        return Collections.unmodifiableMap(all);
    }

    /**
     * Every {@link Conv2d} with its dotted name, in model order, the root included: a model that is
     * itself a single Conv2d gives one entry named {@code ""}.
     *
     * @return an unmodifiable ordered map, empty when the model has no Conv2d
     */
    public Map<String, Conv2d> convs() {
        Map<String, Layer> all = new LinkedHashMap<>();
        collect("", root, all);
        Map<String, Conv2d> convs = new LinkedHashMap<>();
        all.forEach(
                (name, layer) -> {
                    if (layer instanceof Conv2d conv) {
                        convs.put(name, conv);
                    }
                });
        return Collections.unmodifiableMap(convs);
    }

    private static void collect(String name, Layer layer, Map<String, Layer> out) {
        out.put(name, layer);
        layer.children().forEach((local, child) -> collect(Names.join(name, local), child, out));
    }

    /**
     * The layer with the given dotted name.
     *
     * @param name a dotted name, or {@code ""} for the root
     * @return the layer, or empty if there is none of that name
     */
    public Optional<Layer> find(String name) {
        Objects.requireNonNull(name, "name");
        Layer current = root;
        if (name.isEmpty()) {
            return Optional.of(current);
        }
        for (String part : name.split("\\.", -1)) {
            current = current.children().get(part);
            if (current == null) {
                return Optional.empty();
            }
        }
        return Optional.of(current);
    }

    /**
     * A graph in which the named layer is replaced.
     *
     * @param name the dotted name of an existing layer, or {@code ""} for the root
     * @param replacement the new layer
     * @return the new graph; this one is unchanged
     * @throws IllegalArgumentException if there is no layer of that name
     */
    public ModelGraph replace(String name, Layer replacement) {
        Objects.requireNonNull(replacement, "replacement");
        if (find(name).isEmpty()) {
            throw new IllegalArgumentException("No layer named '" + name + "' in the model");
        }
        return new ModelGraph(name.isEmpty() ? replacement : replaceIn(root, name, replacement));
    }

    private static Layer replaceIn(Layer parent, String path, Layer replacement) {
        int dot = path.indexOf('.');
        String head = dot < 0 ? path : path.substring(0, dot);
        Layer child = parent.children().get(head);
        Layer newChild =
                dot < 0 ? replacement : replaceIn(child, path.substring(dot + 1), replacement);
        Map<String, Layer> children = new LinkedHashMap<>(parent.children());
        children.put(head, newChild);
        return parent.with(children, parent.parameters());
    }

    /**
     * Every parameter by its dotted name ({@code conv1.weight}), in model order: a layer's own
     * parameters, then its children's.
     *
     * @return an unmodifiable ordered map; tensors are shared, not copied
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> dict = new LinkedHashMap<>();
        collectParameters("", root, dict);
        return Collections.unmodifiableMap(dict);
    }

    private static void collectParameters(String name, Layer layer, Map<String, Tensor> out) {
        layer.parameters().forEach((local, tensor) -> out.put(Names.join(name, local), tensor));
        layer.children()
                .forEach((local, child) -> collectParameters(Names.join(name, local), child, out));
    }

    /**
     * A graph with every parameter taken from {@code stateDict}, strictly: every key of this model
     * must be present, no other key may be, and each shape must match. A floating-point tensor of
     * another float type is converted to the model's type (as PyTorch does).
     *
     * @param stateDict tensors by dotted parameter name
     * @return the new graph; this one is unchanged
     * @throws IllegalArgumentException naming the missing, unexpected or mismatched keys
     */
    public ModelGraph loadStateDict(Map<String, Tensor> stateDict) {
        Map<String, Tensor> current = stateDict();
        checkKeys(current, stateDict);
        for (Map.Entry<String, Tensor> entry : current.entrySet()) {
            Tensor given = stateDict.get(entry.getKey());
            checkCompatible(entry.getKey(), entry.getValue(), given);
        }
        return new ModelGraph(load("", root, stateDict));
    }

    private static void checkKeys(Map<String, Tensor> current, Map<String, Tensor> given) {
        TreeSet<String> missing = new TreeSet<>(current.keySet());
        missing.removeAll(given.keySet());
        TreeSet<String> unexpected = new TreeSet<>(given.keySet());
        unexpected.removeAll(current.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException(
                    "State dict does not match the model: missing keys "
                            + few(missing)
                            + "; unexpected keys "
                            + few(unexpected));
        }
    }

    /** The count and the first five names: one readable line even for hundreds of keys. */
    private static String few(TreeSet<String> names) {
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

    private static void checkCompatible(String key, Tensor expected, Tensor given) {
        if (!Arrays.equals(expected.shape(), given.shape())) {
            throw new IllegalArgumentException(
                    "State dict key '"
                            + key
                            + "' has shape "
                            + Arrays.toString(given.shape())
                            + " but the model expects "
                            + Arrays.toString(expected.shape()));
        }
        boolean bothFloat = expected.dtype().isFloatingPoint() && given.dtype().isFloatingPoint();
        if (expected.dtype() != given.dtype() && !bothFloat) {
            throw new IllegalArgumentException(
                    "State dict key '"
                            + key
                            + "' has dtype "
                            + given.dtype()
                            + " but the model expects "
                            + expected.dtype());
        }
    }

    private static Layer load(String name, Layer layer, Map<String, Tensor> dict) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        layer.parameters()
                .forEach(
                        (local, old) -> {
                            Tensor given = dict.get(Names.join(name, local));
                            params.put(
                                    local,
                                    given.dtype() == old.dtype()
                                            ? given
                                            : cast(given, old.dtype()));
                        });
        Map<String, Layer> children = new LinkedHashMap<>();
        layer.children()
                .forEach(
                        (local, child) ->
                                children.put(local, load(Names.join(name, local), child, dict)));
        return layer.with(children, params);
    }

    private static Tensor cast(Tensor tensor, DType dtype) {
        return Tensor.fromDoubles(dtype, tensor.shape(), tensor.toDoubles());
    }

    @Override
    public String toString() {
        return "ModelGraph[" + root.typeName() + ", " + layers().size() + " layers]";
    }
}
