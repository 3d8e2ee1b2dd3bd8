package org.amct.cli.command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * Runs {@code amct} in-process with captured output.
 *
 * @param exitCode the status
 * @param out what went to stdout
 * @param err what went to stderr
 */
record CliRun(int exitCode, String out, String err) {
    /** The example model of the repository, seen from the module's folder. */
    static final Path EXAMPLE = Path.of("..", "examples", "tiny_resnet.onnx");

    /** A real model with no eligible layer (kept with the ONNX tests of amct-onnx). */
    static final Path PADDLE =
            Path.of(
                    "..",
                    "amct-onnx",
                    "src",
                    "test",
                    "resources",
                    "org",
                    "amct",
                    "onnx",
                    "ch_ppocr_mobile_v2.0_cls_infer.onnx");

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                AmctCommand.commandLine(
                                new PrintWriter(out, true), new PrintWriter(err, true), false)
                        .execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }
}
