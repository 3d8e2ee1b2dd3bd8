package org.amct.api.schema;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.exception.Quoted;

/**
 * Parses and writes the JSON header of a safetensors file: an object mapping each tensor name to
 * {@code {"dtype", "shape", "data_offsets"}}, plus an optional {@code "__metadata__"} object of
 * strings. Strict: duplicate keys, unknown fields and wrong types fail naming the file and the
 * tensor. Thread-safe.
 */
public final class SafetensorsHeaderCodec {
    private static final String METADATA = "__metadata__";
    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder()
                                .maxNestingDepth(8)
                                .maxNumberLength(24)
                                .build());
    }

    private SafetensorsHeaderCodec() {}

    /**
     * Parses a header.
     *
     * @param json the header bytes (UTF-8)
     * @param source the file name, for messages
     * @return the entries and metadata
     * @throws ModelFormatException if the header is not a valid safetensors header
     */
    public static SafetensorsHeader parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(
                    "Safetensors file '"
                            + source
                            + "': header is not valid JSON: "
                            + e.getOriginalMessage(),
                    e);
        } catch (java.io.IOException e) {
            throw new ModelFormatException(
                    "Safetensors file '" + source + "': unreadable header", e);
        }
        if (root == null || !root.isObject()) {
            throw fail(source, "header must be a JSON object");
        }
        List<SafetensorsHeaderEntry> entries = new ArrayList<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA)) {
                metadata = metadata(field.getValue(), source);
            } else {
                entries.add(entry(field.getKey(), field.getValue(), source));
            }
        }
        return new SafetensorsHeader(entries, metadata);
    }

    private static Map<String, String> metadata(JsonNode node, String source) {
        if (!node.isObject()) {
            throw fail(source, "__metadata__ must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw fail(
                        source,
                        "__metadata__ value of " + Quoted.of(field.getKey()) + " must be a string");
            }
            out.put(field.getKey(), field.getValue().textValue());
        }
        return out;
    }

    private static SafetensorsHeaderEntry entry(String name, JsonNode node, String source) {
        String where = "tensor " + Quoted.of(name);
        if (!node.isObject()) {
            throw fail(source, where + " must be an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw fail(source, where + " has an unknown field " + Quoted.of(key));
            }
        }
        JsonNode dtype = node.get("dtype");
        if (dtype == null || !dtype.isTextual()) {
            throw fail(source, where + ": dtype must be a string");
        }
        long[] shape = longs(node.get("shape"), -1, where + ": shape", source);
        long[] offsets = longs(node.get("data_offsets"), 2, where + ": data_offsets", source);
        return new SafetensorsHeaderEntry(name, dtype.textValue(), shape, offsets[0], offsets[1]);
    }

    private static long[] longs(JsonNode node, int length, String what, String source) {
        if (node == null || !node.isArray()) {
            throw fail(source, what + " must be a list of integers");
        }
        if (length >= 0 && node.size() != length) {
            throw fail(source, what + " must have " + length + " values, got " + node.size());
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode value = node.get(i);
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw fail(source, what + " must hold integers, got " + value);
            }
            out[i] = value.longValue();
        }
        return out;
    }

    private static ModelFormatException fail(String source, String detail) {
        return new ModelFormatException("Safetensors file '" + source + "': " + detail);
    }

    /**
     * The header JSON for tensors laid out one after another in the given order.
     *
     * @param entries the tensors with their offsets
     * @param metadata the {@code __metadata__} strings; omitted when empty
     * @return the UTF-8 header, padded with spaces to a multiple of 8 bytes
     */
    public static byte[] write(List<SafetensorsHeaderEntry> entries, Map<String, String> metadata) {
        ObjectNode root = MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA);
            // Sorted by key: the same metadata gives the same bytes whatever map it came in.
            new java.util.TreeMap<>(metadata).forEach(meta::put);
        }
        for (SafetensorsHeaderEntry entry : entries) {
            ObjectNode node = root.putObject(entry.name());
            node.put("dtype", entry.dtype());
            ArrayNode shape = node.putArray("shape");
            for (long dim : entry.shape()) {
                shape.add(dim);
            }
            node.putArray("data_offsets").add(entry.begin()).add(entry.end());
        }
        byte[] json;
        try {
            json = MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise a safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = java.util.Arrays.copyOf(json, padded);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }
}
