package org.amct.cli.command;

import java.io.PrintWriter;
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
        version = "amct 0.1.0",
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
            "5:I/O error (a file cannot be read or written)"
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
     * @param interactive whether {@code err} is a terminal (the progress bar is drawn only then)
     * @return the command line
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean interactive) {
        CommandLine commandLine = new CommandLine(new AmctCommand(interactive));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(new ErrorHandler());
        return commandLine;
    }

    /** Whether a progress bar may be drawn on stderr. */
    boolean isInteractive() {
        return interactive;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "Missing command: use decompose, apply, inspect, backends or bench (see --help)");
    }
}
