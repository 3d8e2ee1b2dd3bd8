package org.amct.cli.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The system commands the fault tests use to make a full disk ({@code mount -t tmpfs}) or a file
 * that cannot be moved ({@code chattr +i}). Both need root; CI runs as root. A test that cannot run
 * them is skipped with the reason this class gives.
 */
final class SystemCommands {
    private SystemCommands() {}

    /** Mounts a tmpfs of {@code bytes} on an empty folder. */
    static void mountTmpfs(Path folder, long bytes) throws IOException, InterruptedException {
        run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", folder.toString());
    }

    /** Unmounts what {@link #mountTmpfs} mounted. */
    static void unmount(Path folder) throws IOException, InterruptedException {
        run("umount", "-l", folder.toString());
    }

    /** Sets ({@code "+i"}) or clears ({@code "-i"}) the immutable flag of a file. */
    static void chattr(String flag, Path file) throws IOException, InterruptedException {
        run("chattr", flag, file.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        String line = String.join(" ", command);
        Process process;
        try {
            process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("'" + line + "' cannot start: " + e, e);
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("'" + line + "' did not finish in 30 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(
                    "'" + line + "' failed (" + process.exitValue() + "): " + output.strip());
        }
    }
}
