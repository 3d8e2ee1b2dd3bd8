package org.amct.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amct.cli.command.AmctCommand;
import picocli.CommandLine;

/** The {@code amct} command's entry point: sets up logging, runs the command, exits. */
public final class Main {
    /** slf4j-simple's property for the default level, read when the first logger is made. */
    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    private Main() {}

    /**
     * Runs {@code amct} and exits with its status (see {@link org.amct.cli.command.ExitCode}).
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        boolean verbose = List.of(args).contains("--verbose") || List.of(args).contains("-v");
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, verbose ? "info" : "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(System.out, true, charset);
        PrintWriter err = new PrintWriter(System.err, true, charset);
        int status;
        try {
            status = run(args, out, err);
        } catch (OutOfMemoryError e) {
            // Thrown on the main thread it passes picocli by: the top of the command answers it.
            status = AmctCommand.outOfMemory(err, List.of(args), verbose ? e : null);
        }
        out.flush();
        err.flush();
        System.exit(status);
    }

    private static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = AmctCommand.commandLine(out, err, stderrIsTerminal());
        int width = AmctCommand.helpWidth(System.getenv("COLUMNS"), System.console() != null);
        if (width == 0) {
            commandLine.setUsageHelpAutoWidth(true);
        } else {
            commandLine.setUsageHelpWidth(width);
        }
        return commandLine.execute(args);
    }

    /**
     * Whether stderr is a terminal, where the progress line goes: on Linux, what file descriptor 2
     * points to; elsewhere, whether the JVM has a console (stdin and stdout are terminals).
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }
}
