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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.amct.api.decompose.LayerPlan;
import org.amct.api.exception.DecompositionInfoException;
import org.amct.api.exception.Quoted;
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

    /** How many leading bytes identify the formats people mix up with an info file. */
    static final int HEAD_BYTES = 16;

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
                    "Decomposition-info file "
                            + Quoted.of(file)
                            + " is "
                            + size
                            + " bytes, more than the "
                            + MAX_FILE_BYTES
                            + " a decomposition-info file may have (a few hundred bytes per"
                            + " layer). Is it the right file?");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD_BYTES);
        }
        String other = otherFormat(head, size);
        if (other != null) {
            throw new DecompositionInfoException(
                    "Decomposition-info file "
                            + Quoted.of(file)
                            + " is not a decomposition-info file: it looks like "
                            + other
                            + ". Decomposition-info files are JSON (decompose_info.json).");
        }
        // Streamed through a strict UTF-8 decoder: the file is never held whole, as bytes or as
        // characters (a 60 MB file would otherwise take 180 MB of heap before parsing starts).
        CharsetDecoder utf8 =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<DecomposeInfoEntry> entries;
        try (Reader reader =
                new BufferedReader(new InputStreamReader(Files.newInputStream(file), utf8))) {
            entries = MAPPER.readValue(reader, ENTRIES);
        } catch (CharacterCodingException e) {
            throw new DecompositionInfoException(
                    "Decomposition-info file "
                            + Quoted.of(file)
                            + " is not UTF-8 text ("
                            + e
                            + "). Decomposition-info files are JSON; is it the right file?",
                    e);
        } catch (JsonProcessingException e) {
            throw new DecompositionInfoException(locate(file.toString(), e), e);
        }
        return check(entries, file.toString());
    }

    /**
     * What a file passed for an info file seems to be, from its first bytes, as the model reader
     * recognises files passed for a model: the formats people mix up with it.
     *
     * @param bytes the file's first bytes (up to {@value #HEAD_BYTES})
     * @param size the file's size in bytes
     * @return a description with advice, or null when it may be JSON
     */
    static String otherFormat(byte[] bytes, long size) {
        if (bytes.length >= 10) {
            long header =
                    java.nio.ByteBuffer.wrap(bytes, 0, 8)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .getLong();
            if (header > 1 && header <= size - 8 && bytes[8] == '{') {
                return "a safetensors weights file (pass it with --weights)";
            }
        }
        if (bytes.length >= 4
                && bytes[0] == 'P'
                && bytes[1] == 'K'
                && bytes[2] == 3
                && bytes[3] == 4) {
            return "a ZIP archive (a PyTorch checkpoint?)";
        }
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            return "a gzip-compressed file (decompress it first)";
        }
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
            return "a Python pickle";
        }
        if (bytes.length >= 2 && bytes[0] == 0x08 && (bytes[1] & 0xff) < 0x20) {
            return "a binary protobuf file such as an ONNX model (the model is the first argument)";
        }
        return null;
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
        return check(entries, source);
    }

    /** The entries as plans, after the checks that span entries. */
    private static List<LayerPlan> check(List<DecomposeInfoEntry> entries, String source) {
        if (entries == null) {
            throw new DecompositionInfoException(
                    "Decomposition-info file "
                            + Quoted.of(source)
                            + " holds null, expected a JSON list");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            DecomposeInfoEntry entry = entries.get(i);
            if (entry == null) {
                throw new DecompositionInfoException(
                        "Decomposition-info file "
                                + Quoted.of(source)
                                + ", $["
                                + i
                                + "]: entry is null");
            }
            if (!names.add(entry.oriLayerInfo().name())) {
                throw new DecompositionInfoException(
                        "Decomposition-info file "
                                + Quoted.of(source)
                                + ", $["
                                + i
                                + "].ori_layer_info.name: layer "
                                + Quoted.of(entry.oriLayerInfo().name())
                                + " is listed twice");
            }
        }
        return entries.stream().map(DecomposeInfoEntry::toPlan).toList();
    }

    private static String locate(String source, JsonProcessingException e) {
        StringBuilder where = new StringBuilder("Decomposition-info file " + Quoted.of(source));
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
        return where + ": " + Quoted.text(detail, 4 * Quoted.MAX_CHARS);
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
