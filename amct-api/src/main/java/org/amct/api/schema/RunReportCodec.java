package org.amct.api.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Writes {@code report.json} documents: indented UTF-8 JSON, fields in a fixed order. */
public final class RunReportCodec {
    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private RunReportCodec() {}

    /**
     * The document as JSON.
     *
     * @param document the report
     * @return UTF-8 bytes
     */
    public static byte[] toJson(RunReportDocument document) {
        try {
            return MAPPER.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A report of records and numbers always serializes", e);
        }
    }
}
