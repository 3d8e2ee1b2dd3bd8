package org.amct.cli.command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.amct.api.backend.BackendCatalog;
import org.amct.api.backend.BackendRequest;
import org.amct.api.backend.BackendSelection;
import org.amct.api.backend.ProbeReport;
import org.amct.api.backend.ProviderFault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code amct backends}: every backend found, its probe result, and the one that would be used. */
@Command(
        name = "backends",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the compute backends and the one a run would use.",
            "Shows whether each can run here (and why not), and the",
            "one a run would use (the amct.backend property or AMCT_BACKEND force one).",
            "Exits with 4 when none can run."
        })
final class BackendsCommand implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
        BackendCatalog catalog = BackendCatalog.discover();
        PrintWriter out = spec.commandLine().getOut();
        if (catalog.reports().isEmpty() && catalog.faults().isEmpty()) {
            out.println("No backend found on the module or class path.");
        }
        for (ProbeReport report : catalog.reports()) {
            out.println("  " + BackendCatalog.describe(report));
        }
        // Providers too broken to have an id: listed with the reason, never chosen.
        for (ProviderFault fault : catalog.faults()) {
            out.println("  " + fault.describe());
        }
        BackendSelection selection =
                catalog.select(BackendRequest.resolve(java.util.Optional.empty()));
        out.println(
                "Would use: "
                        + selection.chosen().descriptor().id()
                        + " on "
                        + selection.device()
                        + (selection.forced() ? " (forced)" : " (highest priority available)"));
        return ExitCode.SUCCESS.code();
    }
}
