package org.amct.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Recognises files that people pass for an ONNX model by mistake, from their first bytes, so that
 * the error says what the file is and what to do instead of quoting a protobuf parse error. ONNX
 * itself has no magic number: this is asked only once a file failed to parse as ONNX.
 */
final class FileSignatures {
    private FileSignatures() {}

    /**
     * What a file that is not ONNX seems to be, with advice.
     *
     * @param content the file's content (or its start), from position 0 to its limit; not changed
     * @return for example {@code "a ZIP archive (PyTorch saves .pt/.pth checkpoints as ZIP). Export
     *     the model to ONNX first"}, or empty when the start says nothing
     */
    static Optional<String> describe(ByteBuffer content) {
        byte[] bytes = start(content);
        if (startsWith(bytes, "version https://git-lfs")) {
            return Optional.of(
                    "a Git LFS pointer, not the model itself. Run 'git lfs pull' to fetch it");
        }
        if (startsWith(bytes, "PK\u0003\u0004")) {
            return Optional.of(
                    "a ZIP archive (PyTorch saves .pt/.pth checkpoints as ZIP). Export the model to"
                            + " ONNX first, for example with torch.onnx.export");
        }
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
            return Optional.of(
                    "a Python pickle (an old PyTorch checkpoint?). Export the model to ONNX first");
        }
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            return Optional.of("gzip-compressed. Decompress it first");
        }
        if (startsWith(bytes, "\u0089HDF")) {
            return Optional.of("an HDF5 file (a Keras .h5 model?). Convert it to ONNX first");
        }
        if (startsWith(bytes, 4, "TFL3")) {
            return Optional.of("a TensorFlow Lite model. Convert it to ONNX first");
        }
        if (isSafetensors(content)) {
            return Optional.of(
                    "a safetensors weights file. Pass the ONNX model here and the weights with"
                            + " --weights (amct apply)");
        }
        byte first = firstNonBlank(bytes);
        if (first == '{' || first == '[') {
            return Optional.of(
                    "JSON text (a decomposition-info file goes to --info, not in place of the"
                            + " model)");
        }
        return Optional.empty();
    }

    /** Bytes enough for every check but the safetensors size (taken from the whole). */
    private static final int START = 256;

    private static byte[] start(ByteBuffer content) {
        byte[] start = new byte[Math.min(START, content.limit())];
        content.get(0, start);
        return start;
    }

    private static boolean isSafetensors(ByteBuffer content) {
        if (content.limit() < 10) {
            return false;
        }
        long headerLength = content.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return headerLength > 1 && headerLength <= content.limit() - 8 && content.get(8) == '{';
    }

    private static byte firstNonBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b;
            }
        }
        return 0;
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        return startsWith(bytes, 0, prefix);
    }

    private static boolean startsWith(byte[] bytes, int offset, String prefix) {
        byte[] expected = prefix.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (bytes[offset + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
