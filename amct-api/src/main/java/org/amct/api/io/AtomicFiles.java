package org.amct.api.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes files so that readers never see a partial one: the content goes to a temporary file in the
 * target's folder, which is moved over the target only once complete. On failure the temporary file
 * is deleted and the target keeps its old content (or stays absent).
 *
 * <p>Sets of files that belong together (a model and its external data file, the outputs of one CLI
 * run) are replaced all or none: {@link #batch} stages each file as a temporary file, and {@link
 * Batch#commit} moves them into place through {@link #replaceAll}, which puts every earlier target
 * back if a later move fails. Nothing here is thread-safe for two writers of one target.
 */
public final class AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

    private AtomicFiles() {}

    /** Writes the content of a file through an output stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the whole content.
         *
         * @param out the stream to write to; closed by the caller
         * @throws IOException if writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * One change of a set: {@code source} moved onto {@code target}, or {@code target} deleted.
     *
     * @param target the file to create, replace or delete
     * @param source the complete new content, in a file on the same file system; empty to delete
     *     the target
     */
    public record Change(Path target, Optional<Path> source) {
        /**
         * Checks the arguments.
         *
         * @param target the file to create, replace or delete
         * @param source the new content, or empty to delete
         * @throws NullPointerException if an argument is null
         */
        public Change {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(source, "source");
        }

        /**
         * Moves {@code source} onto {@code target}.
         *
         * @param source the new content
         * @param target the file to create or replace
         * @return the change
         */
        public static Change move(Path source, Path target) {
            return new Change(target, Optional.of(source));
        }

        /**
         * Deletes {@code target} if it exists.
         *
         * @param target the file
         * @return the change
         */
        public static Change delete(Path target) {
            return new Change(target, Optional.empty());
        }
    }

    /**
     * Writes {@code target} atomically.
     *
     * @param target the file to create or replace
     * @param writer produces the content
     * @throws IOException if writing or moving fails, naming the target; the target is then
     *     unchanged and no temporary file is left
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temp = stage(absolute, writer);
        boolean moved = false;
        try {
            keepPermissions(temp, absolute);
            move(temp, absolute);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Starts a set of files to replace all or none.
     *
     * @return an empty batch; close it (try-with-resources) so that an uncommitted one leaves no
     *     temporary file
     */
    public static Batch batch() {
        return new Batch();
    }

    /**
     * Writes the content into a new temporary file beside {@code target}; deletes it on failure.
     */
    private static Path stage(Path target, Writer writer) throws IOException {
        Path folder = target.getParent();
        Path temp;
        try {
            temp = Files.createTempFile(folder, "." + target.getFileName() + ".", ".tmp");
        } catch (IOException e) {
            throw new IOException(
                    "Cannot write '"
                            + target
                            + "': no temporary file can be created in its folder ("
                            + e
                            + ")",
                    e);
        }
        boolean complete = false;
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                writer.writeTo(out);
            }
            complete = true;
        } catch (IOException e) {
            throw new IOException("Cannot write '" + target + "': " + e.getMessage(), e);
        } finally {
            if (!complete) {
                Files.deleteIfExists(temp);
            }
        }
        return temp;
    }

    /**
     * Applies a set of changes all or none: each target is first checked not to be a folder; then,
     * in order, an existing target is moved aside and the source moved in (or nothing, for a
     * delete). If any step fails, every target done so far gets its old file back and the failure
     * is rethrown (with any failure of the undoing added as suppressed); sources not yet moved are
     * left for the caller to delete. Sources and targets must be on one file system. A process
     * killed in the middle can leave a target missing beside its {@code .bak} copy.
     *
     * @param changes the changes, applied in order; a target appears at most once
     * @throws IOException if a change cannot be made; the targets are then as before
     */
    public static void replaceAll(List<Change> changes) throws IOException {
        List<Change> checked = List.copyOf(changes);
        for (Change change : checked) {
            if (Files.isDirectory(change.target())) {
                throw new IOException(
                        "Cannot replace '"
                                + change.target()
                                + "': it is a folder. Remove it or choose another output.");
            }
        }
        List<Path> done = new ArrayList<>();
        List<Optional<Path>> backups = new ArrayList<>();
        try {
            for (Change change : checked) {
                Path target = change.target().toAbsolutePath();
                Optional<Path> backup = Optional.empty();
                if (Files.exists(target)) {
                    backup = Optional.of(backupName(target));
                    move(target, backup.get());
                }
                done.add(target);
                backups.add(backup);
                if (change.source().isPresent()) {
                    Path source = change.source().get();
                    keepPermissions(source, backup.orElse(target));
                    move(source, target);
                }
            }
        } catch (IOException | RuntimeException e) {
            undo(done, backups, e);
            throw e;
        }
        for (Optional<Path> backup : backups) {
            if (backup.isPresent()) {
                deleteBackup(backup.get());
            }
        }
    }

    private static void deleteBackup(Path backup) {
        try {
            Files.deleteIfExists(backup);
        } catch (IOException e) {
            // Every target is already replaced: the run succeeded; the copy is only clutter.
            LOG.warn("Could not delete the old copy '{}' after replacing it: {}", backup, e);
        }
    }

    /** Puts back what {@link #replaceAll} changed, in reverse order. */
    private static void undo(List<Path> done, List<Optional<Path>> backups, Exception failure) {
        for (int i = done.size() - 1; i >= 0; i--) {
            Path target = done.get(i);
            try {
                if (backups.get(i).isPresent()) {
                    move(backups.get(i).get(), target);
                } else {
                    Files.deleteIfExists(target);
                }
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(
                        new IOException(
                                "While undoing: could not restore '"
                                        + target
                                        + "'"
                                        + backups.get(i).map(b -> " from '" + b + "'").orElse(""),
                                e));
            }
        }
    }

    private static Path backupName(Path target) throws IOException {
        Path backup =
                Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".bak");
        Files.delete(backup);
        return backup;
    }

    /**
     * A temporary file is created owner-only; the result gets the permissions of the file it
     * replaces, or {@code rw-r--r--} for a new file, as an ordinary write would.
     */
    private static void keepPermissions(Path temp, Path target) throws IOException {
        if (!Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> permissions =
                Files.exists(target)
                        ? Files.getPosixFilePermissions(target)
                        : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(temp, permissions);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(
                    from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Some file systems cannot rename atomically; a same-folder replace is the best left.
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Files staged to be replaced together: each {@link #write} puts complete content in a
     * temporary file beside its target; {@link #commit} moves them all into place or none; {@link
     * #close} deletes what was not committed. Not thread-safe.
     */
    public static final class Batch implements AutoCloseable {
        private final List<Change> staged = new ArrayList<>();
        private boolean committed;

        private Batch() {}

        /**
         * Stages one file.
         *
         * @param target the file to create or replace on commit
         * @param writer produces the content
         * @throws IOException if writing fails, naming the target; nothing is left of this file
         * @throws IllegalStateException if the batch was committed
         */
        public void write(Path target, Writer writer) throws IOException {
            if (committed) {
                throw new IllegalStateException("Batch already committed");
            }
            Path absolute = target.toAbsolutePath();
            staged.add(Change.move(stage(absolute, writer), absolute));
        }

        /**
         * Moves every staged file into place, all or none (see {@link AtomicFiles#replaceAll}).
         *
         * @throws IOException if a file cannot be moved; the targets are then as before
         */
        public void commit() throws IOException {
            replaceAll(staged);
            committed = true;
        }

        /**
         * Deletes the staged files unless committed.
         *
         * @throws IOException if a temporary file cannot be deleted
         */
        @Override
        public void close() throws IOException {
            if (committed) {
                return;
            }
            for (Change change : staged) {
                Files.deleteIfExists(change.source().orElseThrow());
            }
            staged.clear();
        }
    }
}
