package org.amct.cli.command;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.amct.api.io.AtomicFiles;

/**
 * The folder a command writes into: created when missing, refused when it is a file or not
 * writable, and refused when it already holds any of the command's output files unless {@code
 * --overwrite} is given.
 *
 * <p>A run never leaves half a set of outputs. Every file is first written into a hidden staging
 * folder inside the output folder ({@code .amct-staging-*}); {@link #commit} then moves them all
 * into place and deletes the outputs of an earlier run that this run did not produce, all or none
 * ({@link AtomicFiles#replaceAll}). If anything fails before or during the commit, the output
 * folder keeps exactly what it held before and {@link #close} removes the staging folder. Not
 * thread-safe.
 */
final class OutputFolder implements AutoCloseable {
    private static final String STAGING_PREFIX = ".amct-staging-";

    private final Path folder;
    private final Path staging;
    private final List<String> outputs;
    private final boolean created;
    private boolean committed;

    private OutputFolder(Path folder, Path staging, List<String> outputs, boolean created) {
        this.folder = folder;
        this.staging = staging;
        this.outputs = List.copyOf(outputs);
        this.created = created;
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
     * Checks (and creates) the folder, and creates its staging folder.
     *
     * @param folder the folder named on the command line
     * @param overwrite whether existing output files may be replaced
     * @param outputs the names of every file the command may write
     * @return the folder; close it (try-with-resources)
     * @throws InvalidInputException if the folder cannot be used
     */
    static OutputFolder prepare(Path folder, boolean overwrite, List<String> outputs) {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new InvalidInputException(
                    "The output folder '"
                            + folder
                            + "' is a file. Name a folder (it is created if missing).");
        }
        Path existing = folder.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new InvalidInputException(
                    "Cannot create the output folder '"
                            + folder
                            + "': '"
                            + existing
                            + "' is a file, not a folder. Name a folder that can be created.");
        }
        boolean created = !Files.exists(folder);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new InvalidInputException(
                    "Cannot create the output folder '"
                            + folder
                            + "': "
                            + describe(e)
                            + ". Name a folder that can be created.",
                    e);
        }
        if (!Files.isWritable(folder)) {
            throw new InvalidInputException(
                    "The output folder '"
                            + folder
                            + "' is not writable. Choose another folder or fix its permissions.");
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
        try {
            return new OutputFolder(
                    folder, Files.createTempDirectory(folder, STAGING_PREFIX), outputs, created);
        } catch (IOException e) {
            throw new InvalidInputException(
                    "Cannot write in the output folder '" + folder + "': " + describe(e), e);
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() != null ? " " + e.getMessage() : "");
    }

    /**
     * Where to write an output before {@link #commit}: a file in the staging folder.
     *
     * @param name one of the output names given to {@link #prepare}
     * @return its path
     * @throws IllegalArgumentException if the name is not one of the outputs
     */
    Path resolve(String name) {
        if (!outputs.contains(name)) {
            throw new IllegalArgumentException(
                    "'" + name + "' is not one of the declared outputs " + outputs);
        }
        return staging.resolve(name);
    }

    /**
     * Writes an output into the staging folder.
     *
     * @param name one of the output names
     * @param content the content
     * @return the staged file
     * @throws IOException if writing fails, naming the file
     */
    Path write(String name, Content content) throws IOException {
        Path file = resolve(name);
        AtomicFiles.write(file, content::writeTo);
        return file;
    }

    /**
     * Moves every staged output into the folder and deletes the outputs of an earlier run that this
     * run did not write, all or none; then removes the staging folder.
     *
     * @return the files written, in the order of the outputs given to {@link #prepare}
     * @throws IOException if a file cannot be moved or deleted; the folder is then as before
     */
    List<Path> commit() throws IOException {
        List<AtomicFiles.Change> changes = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        for (String name : outputs) {
            Path staged = staging.resolve(name);
            Path target = folder.resolve(name);
            if (Files.exists(staged)) {
                changes.add(AtomicFiles.Change.move(staged, target));
                written.add(target);
            } else if (Files.exists(target)) {
                // With --overwrite: files of an earlier run must not pass for this run's.
                changes.add(AtomicFiles.Change.delete(target));
            }
        }
        checkNothingElseStaged();
        AtomicFiles.replaceAll(changes);
        committed = true;
        Files.delete(staging);
        return written;
    }

    private void checkNothingElseStaged() throws IOException {
        try (var files = Files.list(staging)) {
            List<String> unknown =
                    files.map(p -> p.getFileName().toString())
                            .filter(n -> !outputs.contains(n))
                            .toList();
            if (!unknown.isEmpty()) {
                throw new IllegalStateException(
                        "Files " + unknown + " were written that are not declared outputs");
            }
        }
    }

    /**
     * Unless {@link #commit} succeeded: removes the staging folder and what it holds, and the
     * output folder itself when {@link #prepare} created it (it is empty then).
     *
     * @throws IOException if they cannot be removed
     */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        if (Files.exists(staging)) {
            deleteTree(staging);
        }
        if (created) {
            Files.deleteIfExists(folder);
        }
    }

    private static void deleteTree(Path staging) throws IOException {
        Files.walkFileTree(
                staging,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                            throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e)
                            throws IOException {
                        if (e != null) {
                            throw e;
                        }
                        Files.delete(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
    }
}
