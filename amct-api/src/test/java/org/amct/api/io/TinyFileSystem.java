package org.amct.api.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a folder, to see what a full disk does to writers. Mounting needs root
 * (CI runs as root); where it fails, {@link #mount} says why so that the test can be skipped with
 * that reason. Unmounted on close.
 */
public final class TinyFileSystem implements AutoCloseable {
    private final Path folder;

    private TinyFileSystem(Path folder) {
        this.folder = folder;
    }

    /**
     * Mounts a tmpfs of {@code bytes} (rounded up to whole pages) on an empty folder.
     *
     * @param folder an existing empty folder
     * @param bytes the size
     * @return the mounted file system
     * @throws IOException if it cannot be mounted, saying why
     * @throws InterruptedException if interrupted while waiting for {@code mount}
     */
    public static TinyFileSystem mount(Path folder, long bytes)
            throws IOException, InterruptedException {
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", folder.toString()));
        return new TinyFileSystem(folder);
    }

    /**
     * The folder the file system is mounted on.
     *
     * @return the folder
     */
    public Path folder() {
        return folder;
    }

    @Override
    public void close() throws IOException {
        try {
            run(List.of("umount", "-l", folder.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while unmounting " + folder, e);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("'" + String.join(" ", command) + "' cannot start: " + e, e);
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("'" + String.join(" ", command) + "' did not finish in 30 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(
                    "'"
                            + String.join(" ", command)
                            + "' failed with status "
                            + process.exitValue()
                            + ": "
                            + output.strip());
        }
    }
}
