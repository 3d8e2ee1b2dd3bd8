package org.amct.cli.command;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code amct} command: its global options and subcommands. */
@Command(
        name = "amct",
        mixinStandardHelpOptions = true,
        versionProvider = AmctVersion.class,
        description =
                "Compresses the Conv2d layers of ONNX models by low-rank tensor decomposition.",
        subcommands = {
            DecomposeCommand.class,
            ApplyCommand.class,
            InspectCommand.class,
            BackendsCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:internal error",
            "2:bad command line",
            "3:invalid input (model, weights, info file or output folder)",
            "4:no usable backend, or the backend failed",
            "5:I/O error (a file cannot be read or written)",
            "130:interrupted (SIGINT); no debris, the output folder as it was",
            "143:terminated (SIGTERM); no debris, the output folder as it was"
        })
public final class AmctCommand implements Runnable {
    @Spec private CommandSpec spec;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Log at INFO level and print stack traces of errors.")
    private boolean verbose;

    private final boolean interactive;

    private AmctCommand(boolean interactive) {
        this.interactive = interactive;
    }

    /**
     * The command line, ready to {@code execute}.
     *
     * @param out where results go
     * @param err where messages, errors and the progress bar go
     * @param interactive whether stderr is a terminal (the progress bar is drawn only then)
     * @return the command line
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean interactive) {
        CommandLine commandLine = new CommandLine(new AmctCommand(interactive));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(new ErrorHandler());
        commandLine.setParameterExceptionHandler(ErrorHandler::usage);
        everyCommand(commandLine, new AmctVersion());
        return commandLine;
    }

    /** Every subcommand prints the build's version for {@code -V}/{@code --version}. */
    private static void everyCommand(CommandLine command, AmctVersion version) {
        command.getCommandSpec().versionProvider(version);
        command.getSubcommands().values().forEach(sub -> everyCommand(sub, version));
    }

    /**
     * The width to wrap the help at: {@code COLUMNS} when it holds a number (at least 55, picocli's
     * minimum), else 0 for "ask the terminal" when stdout is one, else 80.
     *
     * @param columns the {@code COLUMNS} environment variable, or null
     * @param terminal whether the output is a terminal
     * @return the width, or 0 to detect it
     */
    public static int helpWidth(String columns, boolean terminal) {
        if (columns != null && columns.strip().matches("[0-9]{1,4}")) {
            return Math.max(55, Integer.parseInt(columns.strip()));
        }
        return terminal ? 0 : 80;
    }

    /**
     * Says that the heap ran out, the heap this run had, about how much a rerun needs and how to
     * give it ({@code AMCT_JAVA_OPTS}).
     *
     * @param err stderr
     * @param args the command line
     * @param trace the error, printed under {@code --verbose}, or null
     * @return the exit status, 3
     */
    public static int outOfMemory(PrintWriter err, List<String> args, OutOfMemoryError trace) {
        return ErrorHandler.outOfMemory(err, args, trace);
    }

    /** Whether a progress bar may be drawn on stderr. */
    boolean isInteractive() {
        return interactive;
    }

    /** Whether {@code -v} was given. */
    boolean isVerbose() {
        return verbose;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "missing command: use decompose, apply, inspect, backends or bench");
    }
}
