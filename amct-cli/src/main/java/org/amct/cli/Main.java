package org.amct.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import org.amct.cli.command.AmctCommand;

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
        int status = AmctCommand.commandLine(out, err, System.console() != null).execute(args);
        out.flush();
        err.flush();
        System.exit(status);
    }
}
