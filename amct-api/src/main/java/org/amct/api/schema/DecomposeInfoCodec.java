package org.amct.api.schema;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.amct.api.decompose.LayerPlan;
import org.amct.api.exception.DecompositionInfoException;
import org.amct.api.io.AtomicFiles;

/**
 * Reads and writes decomposition-info files (docs/design/ALGORITHM.md section 6). Reading is
 * strict: unknown, missing, null or mistyped fields and duplicate keys or layer names fail with the
 * file and the JSON location. Writing produces what the reference writes ({@code json.dump} with a
 * tab indent, ASCII only), so the reference tool reads our files. Thread-safe.
 */
public final class DecomposeInfoCodec {
    private static final TypeReference<List<DecomposeInfoEntry>> ENTRIES = new TypeReference<>() {};
    private static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                    .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .build();

    static {
        // Non-ASCII goes through PythonJsonEscapes, not Jackson's upper-case escaping.
        MAPPER.getFactory().setCharacterEscapes(new PythonJsonEscapes());
    }

    /** The largest file read: far above any real model's (about 300 bytes per layer). */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private DecomposeInfoCodec() {}

    /**
     * Reads a file.
     *
     * @param file the decomposition-info file
     * @return one plan per listed layer, in file order
     * @throws IOException if the file cannot be read
     * @throws DecompositionInfoException if its content is not a valid decomposition-info list
     */
    public static List<LayerPlan> read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new DecompositionInfoException(
                    "Decomposition-info file '"
                            + file
                            + "' is "
                            + size
                            + " bytes, more than the "
                            + MAX_FILE_BYTES
                            + " a decomposition-info file may have (a few hundred bytes per"
                            + " layer). Is it the right file?");
        }
        byte[] bytes = Files.readAllBytes(file);
        String json;
        try {
            json =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
        } catch (CharacterCodingException e) {
            throw new DecompositionInfoException(
                    "Decomposition-info file '"
                            + file
                            + "' is not UTF-8 text ("
                            + e
                            + "). Decomposition-info files are JSON; is it the right file?",
                    e);
        }
        return parse(json, file.toString());
    }

    /**
     * Parses JSON text.
     *
     * @param json the text
     * @param source the file name or another label for messages
     * @return one plan per listed layer, in order
     * @throws DecompositionInfoException if the text is not a valid decomposition-info list
     */
    public static List<LayerPlan> parse(String json, String source) {
        List<DecomposeInfoEntry> entries;
        try {
            entries = MAPPER.readValue(json, ENTRIES);
        } catch (JsonProcessingException e) {
            throw new DecompositionInfoException(locate(source, e), e);
        }
        if (entries == null) {
            throw new DecompositionInfoException(
                    "Decomposition-info file '" + source + "' holds null, expected a JSON list");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            DecomposeInfoEntry entry = entries.get(i);
            if (entry == null) {
                throw new DecompositionInfoException(
                        "Decomposition-info file '" + source + "', $[" + i + "]: entry is null");
            }
            if (!names.add(entry.oriLayerInfo().name())) {
                throw new DecompositionInfoException(
                        "Decomposition-info file '"
                                + source
                                + "', $["
                                + i
                                + "].ori_layer_info.name: layer '"
                                + entry.oriLayerInfo().name()
                                + "' is listed twice");
            }
        }
        return entries.stream().map(DecomposeInfoEntry::toPlan).toList();
    }

    private static String locate(String source, JsonProcessingException e) {
        StringBuilder where = new StringBuilder("Decomposition-info file '" + source + "'");
        JsonLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            where.append(", line ")
                    .append(location.getLineNr())
                    .append(" column ")
                    .append(location.getColumnNr());
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            where.append(", at ").append(jsonPath(mapping.getPath()));
        }
        Throwable root = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
        String detail = root == e ? e.getOriginalMessage() : root.getMessage();
        return where + ": " + detail;
    }

    private static String jsonPath(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder("$");
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                out.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /**
     * The JSON text of a list of plans, formatted as the reference tool writes it.
     *
     * @param plans the decomposed layers, in model order
     * @return the text, without a trailing newline
     */
    public static String toJson(List<LayerPlan> plans) {
        List<DecomposeInfoEntry> entries =
                plans.stream().map(DecomposeInfoEntry::fromPlan).toList();
        try {
            return MAPPER.writer(referencePrinter()).writeValueAsString(entries);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise decomposition info", e);
        }
    }

    /**
     * Writes a file atomically.
     *
     * @param file the target; replaced only when complete
     * @param plans the decomposed layers, in model order
     * @throws IOException if writing fails; the target is then unchanged
     */
    public static void write(Path file, List<LayerPlan> plans) throws IOException {
        byte[] bytes = toJson(plans).getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** Python's {@code json.dump(obj, f, indent='\t')}: ": " after keys, "," at line ends. */
    private static DefaultPrettyPrinter referencePrinter() {
        Separators separators =
                Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEntrySpacing(Separators.Spacing.NONE)
                        .withArrayValueSpacing(Separators.Spacing.NONE)
                        .withArrayEmptySeparator("")
                        .withObjectEmptySeparator("")
                        .withRootSeparator("");
        DefaultIndenter tabs = new DefaultIndenter("\t", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators);
        printer.indentObjectsWith(tabs);
        printer.indentArraysWith(tabs);
        return printer;
    }
}
