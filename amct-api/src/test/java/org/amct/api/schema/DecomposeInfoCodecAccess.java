package org.amct.api.schema;

/** Lets tests in other packages reach the (unexported) decomposition-info codec. */
public final class DecomposeInfoCodecAccess {
    private DecomposeInfoCodecAccess() {}

    /** Parses text as a decomposition-info file named {@code fuzz.json}. */
    public static int parse(String json) {
        return DecomposeInfoCodec.parse(json, "fuzz.json").size();
    }
}
