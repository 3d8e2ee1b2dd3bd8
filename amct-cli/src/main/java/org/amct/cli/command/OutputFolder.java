package org.amct.cli.command;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amct.api.exception.Quoted;
import org.amct.api.io.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The folder a command writes into: created when missing, refused when it is a file or not
 * writable, and refused when it already holds any of the command's output files unless {@code
 * --overwrite} is given.
 *
 * <p>A run never leaves half a set of outputs. Every file is first written into a hidden staging
 * folder inside the output folder ({@code .amct-staging-*}); {@link #commit} then moves them all
 * into place and deletes the outputs of an earlier run that this run did not produce, all or none
 * ({@link AtomicFiles#replaceAll}). If anything fails before or during the commit, the output
 * folder keeps exactly what it held before and {@link #close} removes the staging folder.
 *
 * <p>Interrupted runs leave no debris either: a shutdown hook, registered from {@link #prepare} to
 * {@link #close}, removes the staging folder when the JVM ends on SIGINT or SIGTERM before the
 * commit (the JVM then exits with 130 or 143), and a signal during the commit waits for it to
 * finish. A run killed outright (SIGKILL, a crash) cannot clean up; its staging folder is named
 * after its process id and start time, {@code .amct-staging-<pid>-<start ms>-<n>}, so that a later
 * run into the same folder removes it once that process is gone, and never touches the folder of a
 * run still going. The "already holds" check is repeated at commit time, so that of two runs into
 * one folder without {@code --overwrite} the later fails and the earlier set stays. Not
 * thread-safe, except that the shutdown hook and {@link #commit} exclude each other.
 */
final class OutputFolder implements AutoCloseable {
    private static final String STAGING_PREFIX = ".amct-staging-";

    private final Path folder;
    private final Path staging;
    private final List<String> outputs;
    private final boolean created;
    private final boolean overwrite;
    private final PrintWriter err;
    private final Object lock = new Object();
    private final Thread cleanup;
    private boolean committed;
    private boolean interrupted;

    private OutputFolder(
            Path folder,
            Path staging,
            List<String> outputs,
            boolean created,
            boolean overwrite,
            PrintWriter err) {
        this.folder = folder;
        this.staging = staging;
        this.outputs = List.copyOf(outputs);
        this.created = created;
        this.overwrite = overwrite;
        this.err = err;
        this.cleanup = new Thread(this::onShutdown, "amct-staging-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Refuses an empty {@code -o}: it would mean the current folder, which nobody asks for by
     * typing {@code -o ''}.
     *
     * @param spec the command, for the usage error
     * @param output the option's value
     * @return the value
     * @throws CommandLine.ParameterException if it is empty or blank
     */
    static Path nonEmpty(CommandSpec spec, Path output) {
        if (output == null || output.toString().isBlank()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Option '--output' (DIR) must name a folder, not an empty string; for the"
                            + " current folder write -o .");
        }
        return output;
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
     * @param err where warnings go (a dead run's staging folder that cannot be removed)
     * @return the folder; close it (try-with-resources)
     * @throws InvalidInputException if the folder cannot be used
     */
    static OutputFolder prepare(
            Path folder, boolean overwrite, List<String> outputs, PrintWriter err) {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new InvalidInputException(
                    "The output folder "
                            + Quoted.of(folder)
                            + " is a file. Name a folder (it is created if missing).");
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
        if (!overwrite) {
            checkNoneExist(folder, outputs, "");
        }
        removeDeadStaging(folder).forEach(w -> err.println("amct: warning: " + w));
        try {
            return new OutputFolder(
                    folder,
                    Files.createTempDirectory(folder, stagingPrefix()),
                    outputs,
                    created,
                    overwrite,
                    err);
        } catch (IOException e) {
            throw new InvalidInputException(
                    "Cannot write in the output folder '" + folder + "': " + describe(e), e);
        }
    }

    private static void checkNoneExist(Path folder, List<String> outputs, String since) {
        List<String> present =
                outputs.stream().filter(n -> Files.exists(folder.resolve(n))).toList();
        if (!present.isEmpty()) {
            throw new InvalidInputException(
                    "The output folder "
                            + Quoted.of(folder)
                            + " already holds "
                            + String.join(", ", present)
                            + since
                            + ". Use --overwrite to replace them, or choose another folder.");
        }
    }

    /** {@code .amct-staging-<pid>-<start ms>-}: the owner, so that others know when it is gone. */
    private static String stagingPrefix() {
        ProcessHandle self = ProcessHandle.current();
        return STAGING_PREFIX + self.pid() + "-" + startMillis(self).orElse(0L) + "-";
    }

    private static Optional<Long> startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli);
    }

    /**
     * Removes the staging folders that runs which are no longer alive left in {@code folder}: the
     * process of the id in the name is gone, or is another process that started at another time
     * (the id was reused). Folders of live runs, and folders whose owner cannot be told, stay.
     *
     * @return a warning for each dead run's folder that could not be removed
     */
    static List<String> removeDeadStaging(Path folder) {
        List<String> warnings = new ArrayList<>();
        List<Path> entries;
        try (var list = Files.list(folder)) {
            entries =
                    list.filter(p -> p.getFileName().toString().startsWith(STAGING_PREFIX))
                            .toList();
        } catch (IOException e) {
            warnings.add(
                    "cannot list "
                            + Quoted.of(folder)
                            + " for stale staging folders: "
                            + describe(e));
            return warnings;
        }
        for (Path entry : entries) {
            if (isDead(entry.getFileName().toString())
                    && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    deleteTree(entry);
                } catch (IOException e) {
                    warnings.add(
                            "cannot remove the staging folder "
                                    + Quoted.of(entry)
                                    + " of an interrupted run: "
                                    + describe(e));
                }
            }
        }
        return warnings;
    }

    /** Whether the run named in a staging folder's name has ended. */
    static boolean isDead(String name) {
        String[] parts = name.substring(STAGING_PREFIX.length()).split("-", -1);
        if (parts.length != 3) {
            return false; // not named by this version: its owner cannot be told
        }
        long pid;
        long start;
        try {
            pid = Long.parseLong(parts[0]);
            start = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        Optional<Long> started = startMillis(process.get());
        // A live process of that id that started at another time reused the id.
        return started.isPresent() && start != 0 && Math.abs(started.get() - start) > 1000;
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
        synchronized (lock) {
            if (interrupted) {
                throw new IOException("The run was interrupted before its outputs were committed");
            }
            if (!overwrite) {
                // Another run may have written its set since prepare: it stays, this one fails.
                checkNoneExist(folder, outputs, " (written by another run since this one started)");
            }
            return commitLocked();
        }
    }

    private List<Path> commitLocked() throws IOException {
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
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs (or ran) and cleans up itself.
            return;
        }
        synchronized (lock) {
            removeStaging();
        }
    }

    /** Unless committed: removes the staging folder, and the output folder if this run made it. */
    private void removeStaging() throws IOException {
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

    /**
     * The shutdown hook (SIGINT, SIGTERM, {@code System.exit} elsewhere): waits for a commit in
     * progress, else stops any later commit and removes the staging folder. A file being written
     * meanwhile is unlinked with its folder; a writer that creates one more is caught by the
     * retries.
     */
    private void onShutdown() {
        synchronized (lock) {
            interrupted = true;
            for (int attempt = 0; ; attempt++) {
                try {
                    removeStaging();
                    return;
                } catch (IOException e) {
                    if (attempt >= 20) {
                        err.println(
                                "amct: warning: cannot remove the staging folder "
                                        + Quoted.of(staging)
                                        + ": "
                                        + describe(e));
                        err.flush();
                        return;
                    }
                    pause();
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path staging) throws IOException {
        Files.walkFileTree(
                staging,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                            throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e)
                            throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE; // a writer's file, moved meanwhile
                        }
                        throw e;
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
