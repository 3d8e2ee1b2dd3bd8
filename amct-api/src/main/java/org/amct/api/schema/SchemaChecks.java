package org.amct.api.schema;

import java.util.List;
import org.amct.api.decompose.DecomposeMode;
import org.amct.api.exception.Quoted;

/** Value checks shared by the schema records; failures surface with the JSON location. */
final class SchemaChecks {
    private SchemaChecks() {}

    static void positive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be >= 1, got " + value);
        }
    }

    static void mode(String mode) {
        try {
            DecomposeMode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "mode must be one of FCFK, FCSK, SCFK, SCSK, got " + Quoted.of(mode), e);
        }
    }

    static List<Integer> positiveList(String field, List<Integer> values, int length) {
        if (values == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (values.size() != length) {
            throw new IllegalArgumentException(
                    field
                            + " must have "
                            + length
                            + " values, got "
                            + values.size()
                            + ": "
                            + values);
        }
        for (Integer value : values) {
            if (value == null || value < 1) {
                throw new IllegalArgumentException(
                        field + " values must be integers >= 1, got " + values);
            }
        }
        return List.copyOf(values);
    }
}
