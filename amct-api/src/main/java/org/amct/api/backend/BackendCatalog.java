package org.amct.api.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.amct.api.exception.NoUsableBackendException;
import org.amct.spi.Availability;
import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackendProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends found by {@link ServiceLoader} (module path and class path), each probed once, and
 * the rule that picks one: an explicit request is strict; otherwise the highest priority among the
 * available ones wins, ties broken by id. Thread-safe after construction.
 */
public final class BackendCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(BackendCatalog.class);

    private final Map<BackendId, ComputeBackendProvider> providers;
    private final List<ProbeReport> reports;

    private BackendCatalog(List<ComputeBackendProvider> found) {
        Map<BackendId, ComputeBackendProvider> byId = new LinkedHashMap<>();
        List<ProbeReport> probed = new ArrayList<>();
        for (ComputeBackendProvider provider : found) {
            BackendId id = provider.descriptor().id();
            if (byId.putIfAbsent(id, provider) != null) {
                throw new NoUsableBackendException(
                        "Two backend providers share the id '"
                                + id
                                + "': "
                                + byId.get(id).getClass().getName()
                                + " and "
                                + provider.getClass().getName()
                                + ". Remove one of the jars.");
            }
            probed.add(new ProbeReport(provider.descriptor(), provider.probe()));
        }
        probed.sort(
                Comparator.comparingInt(ProbeReport::priority)
                        .reversed()
                        .thenComparing(r -> r.descriptor().id()));
        this.providers = byId;
        this.reports = List.copyOf(probed);
    }

    /**
     * Finds and probes every provider visible to this module.
     *
     * @return the catalog
     */
    public static BackendCatalog discover() {
        List<ComputeBackendProvider> found = new ArrayList<>();
        ServiceLoader.load(ComputeBackendProvider.class).forEach(found::add);
        return new BackendCatalog(found);
    }

    /**
     * A catalog of the given providers, for tests and embedding.
     *
     * @param providers the providers
     * @return the catalog
     */
    public static BackendCatalog of(List<ComputeBackendProvider> providers) {
        return new BackendCatalog(List.copyOf(providers));
    }

    /**
     * Every provider's probe report, best first.
     *
     * @return the reports
     */
    public List<ProbeReport> reports() {
        return reports;
    }

    /**
     * Picks a backend.
     *
     * @param requested an id the user asked for, or empty for the automatic choice
     * @return the selection
     * @throws NoUsableBackendException if the requested id is unknown or unavailable, or no backend
     *     is available
     */
    public BackendSelection select(Optional<BackendId> requested) {
        BackendSelection selection =
                requested.map(this::selectRequested).orElseGet(this::selectAutomatically);
        LOG.info(
                "Backend '{}' chosen{} on {}",
                selection.chosen().descriptor().id(),
                selection.forced() ? " (requested)" : " (highest priority available)",
                selection.device());
        for (ProbeReport report : reports) {
            if (report != selection.chosen()) {
                LOG.info("Backend '{}' not used: {}", report.descriptor().id(), describe(report));
            }
        }
        return selection;
    }

    private BackendSelection selectRequested(BackendId id) {
        ProbeReport report =
                reports.stream()
                        .filter(r -> r.descriptor().id().equals(id))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new NoUsableBackendException(
                                                "Unknown backend '"
                                                        + id
                                                        + "'. Known backends: "
                                                        + knownIds()
                                                        + "."));
        if (report.availability() instanceof Availability.Unavailable why) {
            throw new NoUsableBackendException(
                    "Backend '"
                            + id
                            + "' was requested but is unavailable: "
                            + why.reason()
                            + ". "
                            + why.hint());
        }
        return new BackendSelection(providers.get(id), report, true, reports);
    }

    private BackendSelection selectAutomatically() {
        ProbeReport best =
                reports.stream()
                        .filter(r -> r.availability().isAvailable())
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new NoUsableBackendException(
                                                "No compute backend is available. Probed: "
                                                        + (reports.isEmpty()
                                                                ? "none found (put a backend jar such as"
                                                                        + " backend-ejml-cpu on the module or"
                                                                        + " class path)"
                                                                : reports.stream()
                                                                        .map(
                                                                                BackendCatalog
                                                                                        ::describe)
                                                                        .collect(
                                                                                Collectors.joining(
                                                                                        "; ")))));
        return new BackendSelection(providers.get(best.descriptor().id()), best, false, reports);
    }

    private String knownIds() {
        return reports.isEmpty()
                ? "none (no backend jar is on the module or class path)"
                : reports.stream()
                        .map(r -> r.descriptor().id().value())
                        .sorted()
                        .collect(Collectors.joining(", "));
    }

    /**
     * One line about a probe result.
     *
     * @param report the report
     * @return for example {@code "ejml: available on CPU, 2 threads (priority 100)"}
     */
    public static String describe(ProbeReport report) {
        String id = report.descriptor().id().value();
        if (report.availability() instanceof Availability.Available a) {
            return id + ": available on " + a.device() + " (priority " + a.priority() + ")";
        }
        Availability.Unavailable u = (Availability.Unavailable) report.availability();
        return id + ": unavailable: " + u.reason() + " (" + u.hint() + ")";
    }
}
