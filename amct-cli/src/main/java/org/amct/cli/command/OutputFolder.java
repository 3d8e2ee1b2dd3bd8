package org.amct.cli.command;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The folder a command writes into: created when missing, refused when it is a file or not
 * writable, and refused when it already holds any of the command's output files unless {@code
 * --overwrite} is given. Files are written atomically: to a temporary file in the folder, then
 * moved into place.
 */
final class OutputFolder {
    private final Path folder;

    private OutputFolder(Path folder) {
        this.folder = folder;
    }

    /** Writes a file's content. */
    @FunctionalInterface
    interface Content {
        /**
         * Writes the whole content.
         *
         * @param out the stream, closed by the caller
         * @throws IOException if writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Checks (and creates) the folder.
     *
     * @param folder the folder named on the command line
     * @param overwrite whether existing output files may be replaced
     * @param outputs the names of every file the command may write
     * @return the folder
     * @throws InvalidInputException if the folder cannot be used
     */
    static OutputFolder prepare(Path folder, boolean overwrite, List<String> outputs) {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new InvalidInputException(
                    "The output folder '"
                            + folder
                            + "' is a file. Name a folder (it is created if missing).");
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new InvalidInputException(
                    "Cannot create the output folder '" + folder + "': " + e, e);
        }
        if (!Files.isWritable(folder)) {
            throw new InvalidInputException("The output folder '" + folder + "' is not writable");
        }
        List<String> present =
                outputs.stream().filter(n -> Files.exists(folder.resolve(n))).toList();
        if (!overwrite && !present.isEmpty()) {
            throw new InvalidInputException(
                    "The output folder '"
                            + folder
                            + "' already holds "
                            + String.join(", ", present)
                            + ". Use --overwrite to replace them, or choose another folder.");
        }
        return new OutputFolder(folder);
    }

    /**
     * A file in the folder.
     *
     * @param name the file name
     * @return its path
     */
    Path resolve(String name) {
        return folder.resolve(name);
    }

    /**
     * Writes a file atomically.
     *
     * @param name the file name
     * @param content the content
     * @return the file's path
     * @throws IOException if writing fails; the file is then unchanged
     */
    Path write(String name, Content content) throws IOException {
        Path target = folder.resolve(name);
        Path temp = Files.createTempFile(folder, "." + name + ".", ".tmp");
        try {
            readableByAll(temp);
            try (OutputStream out = Files.newOutputStream(temp)) {
                content.writeTo(out);
            }
            try {
                Files.move(
                        temp,
                        target,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Makes written files readable by everyone, as {@code cp} would leave them (the library writes
     * through private temporary files, mode 0600).
     *
     * @param files the files
     * @throws IOException if the mode cannot be set
     */
    static void makeReadable(List<Path> files) throws IOException {
        for (Path file : files) {
            readableByAll(file);
        }
    }

    private static void readableByAll(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /**
     * Deletes output files of an earlier run that this run did not write (with {@code
     * --overwrite}), so the folder never mixes two runs.
     *
     * @param names the names to delete if present
     * @throws IOException if a file cannot be deleted
     */
    void deleteStale(List<String> names) throws IOException {
        for (String name : names) {
            Files.deleteIfExists(folder.resolve(name));
        }
    }
}
