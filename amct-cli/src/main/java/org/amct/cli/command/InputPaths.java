package org.amct.cli.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.amct.api.exception.Quoted;
import org.amct.onnx.OnnxModel;

/**
 * Every file a command reads, by real path (symbolic links followed), so that no output of the run
 * can replace or delete one: {@code --overwrite} replaces outputs of an earlier run, never an
 * input. Checked before the output folder is touched. Not thread-safe.
 */
final class InputPaths {
    /** One input: what it is, the path given, its real path. */
    private record Input(String what, Path given, Path real) {}

    private final List<Input> inputs = new ArrayList<>();

    /**
     * Adds an input file.
     *
     * @param what what it is, for messages ({@code "decomposition-info file"})
     * @param file the file as given; it must exist
     * @return this
     * @throws IOException if its real path cannot be found
     */
    InputPaths add(String what, Path file) throws IOException {
        inputs.add(new Input(what, file, file.toRealPath()));
        return this;
    }

    /**
     * Adds a model and the external data files its tensors are read from.
     *
     * @param file the model file as given
     * @param model the model read from it
     * @return this
     * @throws IOException if a real path cannot be found
     */
    InputPaths addModel(Path file, OnnxModel model) throws IOException {
        add("model", file);
        for (Path data : model.externalDataFiles()) {
            inputs.add(new Input("external data file of the model " + Quoted.of(file), data, data));
        }
        return this;
    }

    /**
     * Refuses outputs that would be an input.
     *
     * @param folder the output folder as given (it may not exist yet)
     * @param outputs the names of every file the command may write or delete there
     * @throws InvalidInputException naming the output and the input, if one is the other
     * @throws IOException if a real path cannot be found
     */
    void checkOutputs(Path folder, List<String> outputs) throws IOException {
        for (String name : outputs) {
            Path target = folder.resolve(name);
            Path real = realPath(target);
            for (Input input : inputs) {
                boolean same =
                        real.equals(input.real())
                                || (Files.exists(target) && Files.isSameFile(target, input.real()));
                if (same) {
                    throw new InvalidInputException(
                            "The output "
                                    + Quoted.of(target)
                                    + " would replace the "
                                    + input.what()
                                    + " "
                                    + Quoted.of(input.given())
                                    + (input.given().equals(input.real())
                                            ? ""
                                            : " (" + Quoted.of(input.real()) + ")")
                                    + ". --overwrite never replaces an input: choose another"
                                    + " output folder (-o), or rename the input.");
                }
            }
        }
    }

    /**
     * The real path a file would have: its own when it exists (links followed), else the real path
     * of its nearest existing folder with the rest of the path appended.
     */
    static Path realPath(Path file) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            return absolute.toRealPath();
        }
        Path existing = absolute.getParent();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        Path base = Files.exists(existing) ? existing.toRealPath() : existing;
        return base.resolve(existing.relativize(absolute)).normalize();
    }
}
