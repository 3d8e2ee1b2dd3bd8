package org.amct.cli.command;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on the files named on the command line, before any work starts. */
final class Inputs {
    private Inputs() {}

    /**
     * Checks that a file exists, is a regular file and can be read.
     *
     * @param file the file
     * @param what what it is, for the message ({@code "model"}, {@code "weights file"})
     * @return the file
     * @throws InvalidInputException if it cannot be read
     */
    static Path readable(Path file, String what) {
        if (!Files.exists(file)) {
            throw new InvalidInputException("The " + what + " '" + file + "' does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("The " + what + " '" + file + "' is not a file");
        }
        if (!Files.isReadable(file)) {
            throw new InvalidInputException(
                    "The " + what + " '" + file + "' cannot be read (permissions?)");
        }
        return file;
    }

    /**
     * The file name without its extension, for naming outputs.
     *
     * @param model for example {@code models/resnet18.onnx}
     * @return for example {@code resnet18}
     */
    static String stem(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
