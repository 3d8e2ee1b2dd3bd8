package org.amct.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.amct.api.backend.BackendCatalog;
import org.amct.api.backend.BackendRequest;
import org.amct.api.backend.BackendSelection;
import org.amct.api.backend.ProbeReport;
import org.amct.api.backend.ProviderFault;
import org.amct.api.exception.NoUsableBackendException;
import org.amct.spi.Availability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code amct backends}: every backend found, its probe result, the one that would be used, and the
 * backends amct knows that are not installed, with how to add them.
 */
@Command(
        name = "backends",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the compute backends found, whether each can run here (and why not), and the"
                    + " one a run would use (the amct.backend property or AMCT_BACKEND force one);"
                    + " then the backends amct knows that are not installed, with how to enable"
                    + " them. Exits with 4 when none can run."
        })
final class BackendsCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * A backend amct ships that may be left off the module path, and how to put it there.
     *
     * @param id its id
     * @param name what it is
     * @param enable how to enable it
     */
    record Known(String id, String name, String enable) {}

    /** The backends of this project; the ones not found are listed as not installed. */
    static final List<Known> KNOWN =
            List.of(
                    new Known(
                            "openblas",
                            "native LAPACK (OpenBLAS through JavaCPP), linux-x86_64 natives",
                            "put backend-openblas-cpu and its JavaCPP jars on the module path"
                                    + " (the release and ./amct include them)"),
                    new Known(
                            "ejml",
                            "pure Java (EJML)",
                            "put backend-ejml-cpu and the EJML jars on the module path (the"
                                    + " release and ./amct include them)"),
                    new Known(
                            "aparapi",
                            "OpenCL (Aparapi)",
                            "put backend-aparapi and the Aparapi jars on the module path (the"
                                    + " release and ./amct include them); needs an OpenCL"
                                    + " driver"),
                    new Known(
                            "nd4j",
                            "ND4J: CUDA with the cuda build, ND4J's native CPU otherwise",
                            "run ./amct with AMCT_WITH_ND4J=1 (AMCT_WITH_ND4J=cuda for a GPU);"
                                    + " it lives on the class path, see docs/backends/nd4j.md"));

    @Spec private CommandSpec spec;

    @Option(
            names = "--json",
            description =
                    "Print JSON (backends, not_installed, would_use) instead of text, for scripts.")
    private boolean json;

    @Override
    public Integer call() {
        BackendCatalog catalog = BackendCatalog.discover();
        Set<String> found =
                catalog.reports().stream()
                        .map(r -> r.descriptor().id().value())
                        .collect(Collectors.toSet());
        List<Known> missing = KNOWN.stream().filter(k -> !found.contains(k.id())).toList();
        Optional<BackendSelection> selection;
        String noneReason = null;
        try {
            selection = Optional.of(BackendRequest.select(catalog, Optional.empty()));
        } catch (NoUsableBackendException e) {
            selection = Optional.empty();
            noneReason = e.getMessage();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(catalog, missing, selection, noneReason));
        } else {
            text(out, catalog, missing, selection, noneReason);
        }
        out.flush();
        return selection.isPresent()
                ? ExitCode.SUCCESS.code()
                : ExitCode.BACKEND_UNAVAILABLE.code();
    }

    private static void text(
            PrintWriter out,
            BackendCatalog catalog,
            List<Known> missing,
            Optional<BackendSelection> selection,
            String noneReason) {
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
        if (!missing.isEmpty()) {
            out.println("Not installed:");
            for (Known known : missing) {
                out.println(
                        "  " + known.id() + ": " + known.name() + "; to enable: " + known.enable());
            }
        }
        if (selection.isPresent()) {
            BackendSelection chosen = selection.get();
            out.println(
                    "Would use: "
                            + chosen.chosen().descriptor().id()
                            + " on "
                            + chosen.device()
                            + (chosen.forced() ? " (forced)" : " (highest priority available)"));
        } else {
            out.println("Would use: none. " + noneReason);
        }
    }

    private static String json(
            BackendCatalog catalog,
            List<Known> missing,
            Optional<BackendSelection> selection,
            String noneReason) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode backends = root.putArray("backends");
        for (ProbeReport report : catalog.reports()) {
            ObjectNode node = backends.addObject();
            node.put("id", report.descriptor().id().value());
            node.put("name", report.descriptor().displayName());
            node.put("device_kind", report.descriptor().deviceKind().name());
            if (report.availability() instanceof Availability.Available a) {
                node.put("available", true);
                node.put("device", a.device());
                node.put("priority", a.priority());
            } else {
                Availability.Unavailable u = (Availability.Unavailable) report.availability();
                node.put("available", false);
                node.put("reason", u.reason());
                node.put("hint", u.hint());
            }
        }
        ArrayNode faults = root.putArray("faults");
        catalog.faults().forEach(fault -> faults.add(fault.describe()));
        ArrayNode notInstalled = root.putArray("not_installed");
        for (Known known : missing) {
            notInstalled
                    .addObject()
                    .put("id", known.id())
                    .put("name", known.name())
                    .put("enable", known.enable());
        }
        if (selection.isPresent()) {
            ObjectNode use = root.putObject("would_use");
            use.put("id", selection.get().chosen().descriptor().id().value());
            use.put("device", selection.get().device());
            use.put("forced", selection.get().forced());
        } else {
            root.putNull("would_use");
            root.put("none_reason", noneReason);
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A tree of strings and numbers always serializes", e);
        }
    }
}
