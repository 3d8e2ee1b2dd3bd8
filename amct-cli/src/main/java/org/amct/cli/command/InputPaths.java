package org.amct.cli.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.amct.api.exception.Quoted;
import org.amct.onnx.OnnxModel;

/**
 * Every file a command reads, by real path (symbolic links followed), so that no output of the run
 * can replace or delete one: {@code --overwrite} replaces outputs of an earlier run, never an
 * input. The inputs are the model and its external data, the decomposition-info and weights files,
 * the {@code --ranks} files, and the {@code --calibration} and {@code --verify} data (a file, or a
 * folder and every file in it); a data folder is not written into either, so the output folder may
 * be neither one nor inside one. Checked before the output folder is touched. Not thread-safe.
 */
final class InputPaths {
    /** One input: what it is, the path given, its real path, whether it is a folder. */
    private record Input(String what, Path given, Path real, boolean folder) {
        Input(String what, Path given, Path real) {
            this(what, given, real, false);
        }
    }

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
     * Adds the files of {@code --ranks} values: a value without {@code '='} names a JSON file;
     * inline {@code LAYER=R} pairs name none. A file that does not exist is left to the option's
     * own check.
     *
     * @param ranks the values as given
     * @return this
     * @throws IOException if a real path cannot be found
     */
    InputPaths addRankFiles(List<String> ranks) throws IOException {
        for (String value : ranks) {
            Path file = Path.of(value);
            if (!value.contains("=") && Files.exists(file)) {
                add("rank file (--ranks)", file);
            }
        }
        return this;
    }

    /**
     * Adds the data of {@code --calibration} or {@code --verify}: each value is {@code PATH} or
     * {@code NAME=PATH}, a {@code .npy} file or a folder of them. Both readings of a value that
     * holds {@code '='} are added when they exist (the option decides later which one the model's
     * inputs mean); for a folder, the folder and every file in it. A path that does not exist is
     * left to the option's own check.
     *
     * @param option the option, for messages ({@code "--calibration"})
     * @param specs its values as given
     * @return this
     * @throws IOException if a folder cannot be listed or a real path cannot be found
     */
    InputPaths addData(String option, List<String> specs) throws IOException {
        String what =
                (option.equals("--verify") ? "verify" : "calibration") + " data (" + option + ")";
        for (String spec : specs) {
            List<Path> candidates = new ArrayList<>();
            candidates.add(Path.of(spec));
            int eq = spec.indexOf('=');
            if (eq > 0) {
                candidates.add(Path.of(spec.substring(eq + 1)));
            }
            for (Path path : candidates) {
                if (!Files.exists(path)) {
                    continue;
                }
                if (Files.isDirectory(path)) {
                    inputs.add(new Input(what, path, path.toRealPath(), true));
                    try (Stream<Path> files = Files.list(path)) {
                        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                            add(what, file);
                        }
                    }
                } else {
                    add(what, path);
                }
            }
        }
        return this;
    }

    /**
     * Refuses outputs that would be an input, and an output folder that is, or is inside, an input
     * folder.
     *
     * @param folder the output folder as given (it may not exist yet)
     * @param outputs the names of every file the command may write or delete there
     * @throws InvalidInputException naming the output and the input, if one is the other
     * @throws IOException if a real path cannot be found
     */
    void checkOutputs(Path folder, List<String> outputs) throws IOException {
        Path realFolder = realPath(folder);
        for (Input input : inputs) {
            if (input.folder() && realFolder.startsWith(input.real())) {
                throw new InvalidInputException(
                        "The output folder "
                                + Quoted.of(folder)
                                + (realFolder.equals(input.real()) ? " is the " : " is inside the ")
                                + input.what()
                                + " folder "
                                + Quoted.of(input.given())
                                + ". Inputs are never written into: choose another output folder"
                                + " (-o).");
            }
        }
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
