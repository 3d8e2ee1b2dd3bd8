package org.amct.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the PyTorch module path out of a node name written by {@code torch.onnx.export} (PyTorch
 * 1.13 and later): {@code /layer2/layer2.0/downsample/downsample.0/Conv} is the {@code Conv} of
 * module {@code layer2.0.downsample.0}.
 *
 * <p>The exporter writes one {@code /}-separated segment per module from the root's child down to
 * the module that holds the op, then the op's own segment ({@code Conv}, {@code Conv_1}, ...). Each
 * module segment is the module's qualified name cut to start at its last non-numeric part: {@code
 * layer2.0} for module {@code layer2.0}, but {@code downsample} for {@code layer2.0.downsample} and
 * {@code downsample.0} for {@code layer2.0.downsample.0}. So the last part of each segment is that
 * module's own name under its parent, and the parts before it repeat the end of the parent's path.
 * The path is read by appending the last parts, and a name whose segments do not repeat their
 * parents this way is not taken for a torch scope.
 */
final class TorchScopes {
    private TorchScopes() {}

    /**
     * The dotted module path of a node name in torch.onnx's scoped form.
     *
     * @param nodeName the node's name
     * @return the module path, or empty when the name is not a torch scope with at least one module
     */
    static Optional<String> modulePath(String nodeName) {
        if (!nodeName.startsWith("/")) {
            return Optional.empty();
        }
        String[] segments = nodeName.substring(1).split("/", -1);
        if (segments.length < 2 || segments[segments.length - 1].isEmpty()) {
            return Optional.empty();
        }
        List<String> path = new ArrayList<>();
        for (int s = 0; s < segments.length - 1; s++) {
            String[] parts = segments[s].split("\\.", -1);
            for (String part : parts) {
                if (part.isEmpty()) {
                    return Optional.empty();
                }
            }
            int repeated = parts.length - 1;
            if (repeated > path.size()) {
                return Optional.empty();
            }
            for (int i = 0; i < repeated; i++) {
                if (!parts[i].equals(path.get(path.size() - repeated + i))) {
                    return Optional.empty();
                }
            }
            path.add(parts[parts.length - 1]);
        }
        return Optional.of(String.join(".", path));
    }
}
