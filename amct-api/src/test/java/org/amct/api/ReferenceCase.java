package org.amct.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Padding;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.amct.conformance.ReferenceFixtures;

/**
 * One case of the reference fixtures (expected.json plus its safetensors file), read with the
 * production safetensors reader. Cases whose file is absent (the bundled subset) are left out.
 */
@SuppressWarnings("exports")
public record ReferenceCase(JsonNode expected, Map<String, Tensor> tensors) {

    /** Every case present in the fixture directory, in expected.json order. */
    public static List<ReferenceCase> all() {
        Path dir = ReferenceFixtures.directory();
        try {
            JsonNode root = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
            List<ReferenceCase> cases = new ArrayList<>();
            for (JsonNode node : root.get("cases")) {
                Path file = dir.resolve(node.get("file").asText());
                if (Files.exists(file)) {
                    cases.add(new ReferenceCase(node, Safetensors.read(file).tensors()));
                }
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The decomposed cases only. */
    public static List<ReferenceCase> decomposed() {
        return all().stream().filter(c -> !c.isUnchanged()).toList();
    }

    public String name() {
        return expected.get("name").asText();
    }

    public boolean isUnchanged() {
        return expected.get("mode").asText().equals("UNCHANGE");
    }

    public int[] ints(String field) {
        JsonNode node = expected.get(field);
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    /**
     * The case's layer with a float64 copy of its weight (the reference ran on float64 copies) and
     * a bias of ones when the case has one.
     */
    public Conv2d conv(DType dtype) {
        Tensor weight = tensors.get("weight");
        int[] shape = weight.shape();
        int[] stride = ints("stride");
        int[] padding = ints("padding");
        int[] dilation = ints("dilation");
        int groups = expected.get("groups").asInt();
        Tensor bias = null;
        if (expected.get("bias").asBoolean()) {
            double[] ones = new double[shape[0]];
            java.util.Arrays.fill(ones, 1.0);
            bias = Tensor.fromDoubles(dtype, new int[] {shape[0]}, ones);
        }
        return new Conv2d(
                expected.get("in_channels").asInt(),
                shape[0],
                new Size2d(shape[2], shape[3]),
                new Size2d(stride[0], stride[1]),
                Padding.symmetric(padding[0], padding[1]),
                new Size2d(dilation[0], dilation[1]),
                groups,
                org.amct.api.graph.PaddingMode.ZEROS,
                Tensor.fromDoubles(dtype, shape, weight.toDoubles()),
                Optional.ofNullable(bias));
    }
}
