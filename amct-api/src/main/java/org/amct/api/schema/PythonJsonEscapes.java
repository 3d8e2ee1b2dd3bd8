package org.amct.api.schema;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Escapes strings as Python's {@code json.dump} does with {@code ensure_ascii=True}: every
 * character outside printable ASCII as a lower-case {@code \\uXXXX} (surrogate pairs included), so
 * our files are byte-identical to the reference tool's.
 */
final class PythonJsonEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] asciiEscapes;

    PythonJsonEscapes() {
        asciiEscapes = standardAsciiEscapesForJSON();
        for (int c = 0; c < 32; c++) {
            if (c != '\b' && c != '\f' && c != '\n' && c != '\r' && c != '\t') {
                asciiEscapes[c] = ESCAPE_CUSTOM;
            }
        }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return asciiEscapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        return new SerializedString(String.format("\\u%04x", ch));
    }
}
