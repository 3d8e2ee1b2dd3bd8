package org.amct.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real third-party model of the test resources. */
final class OnnxFixtures {
    /** PaddleOCR's text-direction classifier; see the README beside it. */
    static final String PADDLE_MODEL = "ch_ppocr_mobile_v2.0_cls_infer.onnx";

    private OnnxFixtures() {}

    /** Copies the Paddle model into {@code folder} and returns its path. */
    static Path paddleModel(Path folder) throws IOException {
        Path target = folder.resolve(PADDLE_MODEL);
        try (InputStream in = OnnxFixtures.class.getResourceAsStream(PADDLE_MODEL)) {
            if (in == null) {
                throw new IOException("test resource " + PADDLE_MODEL + " is missing");
            }
            Files.copy(in, target);
        }
        return target;
    }
}
