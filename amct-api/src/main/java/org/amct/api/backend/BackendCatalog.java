package org.amct.api.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.amct.api.exception.NoUsableBackendException;
import org.amct.spi.Availability;
import org.amct.spi.BackendDescriptor;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.ComputeBackendProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends found by {@link ServiceLoader} (module path and class path), and the rule that picks
 * one: an explicit request is strict; otherwise the highest priority among the available ones wins,
 * ties broken by id. Thread-safe.
 *
 * <p>Faults are contained: a provider whose class cannot be loaded or instantiated, whose
 * constructor or {@code descriptor()} throws, or whose id another provider already uses becomes a
 * {@link ProviderFault}; one whose {@code probe()} throws is reported unavailable with the
 * exception; one whose {@code open} throws is passed over by the automatic choice. None of them
 * stops a run that does not ask for it by id, and all of them are listed by {@link #faults()} and
 * {@link #reports()} with the reason.
 *
 * <p>Probes are lazy and run at most once per catalog: a request by id probes only that backend;
 * the automatic choice probes the backends that can still win (see {@link
 * ComputeBackendProvider#priorityCeiling()}), and {@link #reports()} probes every backend. A
 * backend that is never probed loads no native code.
 */
public final class BackendCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(BackendCatalog.class);

    /** Stops a service iterator that keeps failing the same way from looping forever. */
    private static final int MAX_LOOKUP_ERRORS = 1000;

    private static final Pattern PROVIDER_IN_MESSAGE = Pattern.compile("Provider (\\S+)");

    private static final String DEFECT_HINT =
            "this is a defect of that backend's jar: remove the jar from the module or class path,"
                    + " or report it to its vendor";

    private final List<Entry> entries;
    private final List<ProviderFault> faults;

    private BackendCatalog(List<Entry> entries, List<ProviderFault> faults) {
        this.entries = List.copyOf(entries);
        this.faults = List.copyOf(faults);
        faults.forEach(f -> LOG.warn("Backend provider {}", f.describe()));
    }

    /**
     * Finds every provider visible to this module, on the module path and the class path. Nothing
     * is probed yet. Never throws for a broken provider: it becomes a {@link ProviderFault}.
     *
     * @return the catalog
     */
    public static BackendCatalog discover() {
        return discover(ServiceLoader.load(ComputeBackendProvider.class));
    }

    /**
     * Finds the providers a given service loader sees, for embedding applications with their own
     * module layers or class loaders.
     *
     * @param loader the loader of {@link ComputeBackendProvider}
     * @return the catalog
     */
    public static BackendCatalog discover(ServiceLoader<ComputeBackendProvider> loader) {
        Objects.requireNonNull(loader, "loader");
        Builder builder = new Builder();
        Iterator<ServiceLoader.Provider<ComputeBackendProvider>> it = loader.stream().iterator();
        int errors = 0;
        String lastError = null;
        while (true) {
            ServiceLoader.Provider<ComputeBackendProvider> found;
            try {
                if (!it.hasNext()) {
                    break;
                }
                found = it.next();
            } catch (ServiceConfigurationError e) {
                // The service iterator skips the broken declaration and goes on with the next one.
                builder.fault(new ProviderFault(providerNamedIn(e), reason(e)));
                String message = String.valueOf(e.getMessage());
                if (++errors >= MAX_LOOKUP_ERRORS || message.equals(lastError)) {
                    break;
                }
                lastError = message;
                continue;
            }
            builder.add(found);
        }
        return builder.build();
    }

    /**
     * A catalog of the given providers, for tests and embedding (for example a {@code Decomposer}
     * that must use exactly these backends). The same fault containment applies.
     *
     * @param providers the providers
     * @return the catalog
     */
    public static BackendCatalog of(List<ComputeBackendProvider> providers) {
        Builder builder = new Builder();
        for (ComputeBackendProvider provider : List.copyOf(providers)) {
            builder.add(provider.getClass().getName(), () -> provider);
        }
        return builder.build();
    }

    /**
     * The providers that could not be used at all, with the reason, in discovery order.
     *
     * @return the faults; empty when every provider loaded
     */
    public List<ProviderFault> faults() {
        return faults;
    }

    /**
     * What the usable providers are, in discovery order, without probing any of them.
     *
     * @return the descriptors
     */
    public List<BackendDescriptor> descriptors() {
        return entries.stream().map(e -> e.descriptor).toList();
    }

    /**
     * Every usable provider's probe report, best first. Probes the ones not probed yet.
     *
     * @return the reports
     */
    public List<ProbeReport> reports() {
        List<ProbeReport> probed = new ArrayList<>();
        for (Entry entry : entries) {
            probed.add(entry.report());
        }
        probed.sort(
                Comparator.comparingInt(ProbeReport::priority)
                        .reversed()
                        .thenComparing(r -> r.descriptor().id()));
        return List.copyOf(probed);
    }

    /**
     * Picks a backend. A request by id probes only that backend.
     *
     * @param requested an id the user asked for, or empty for the automatic choice
     * @return the selection
     * @throws NoUsableBackendException if the requested id is unknown or unavailable, or no backend
     *     is available
     */
    public BackendSelection select(Optional<BackendId> requested) {
        BackendSelection selection =
                requested.map(this::selectRequested).orElseGet(() -> selectAutomatically(Set.of()));
        log(selection);
        return selection;
    }

    private static void log(BackendSelection selection) {
        LOG.info(
                "Backend '{}' chosen{} on {}",
                selection.chosen().descriptor().id(),
                selection.forced() ? " (requested)" : " (highest priority available)",
                selection.device());
        for (ProbeReport report : selection.reports()) {
            if (report != selection.chosen()) {
                LOG.info("Backend '{}' not used: {}", report.descriptor().id(), describe(report));
            }
        }
    }

    /**
     * Picks a backend and opens it. When the automatic choice's backend fails to open (its {@code
     * open} throws or returns null), the next available one is tried, and the failure is logged; a
     * backend requested by id is not replaced.
     *
     * @param requested an id the user asked for, or empty for the automatic choice
     * @param options the settings to open it with
     * @return the opened backend, owned and closed by the caller, and how it was chosen
     * @throws NoUsableBackendException if no backend can be chosen or opened, naming each failure
     */
    public OpenedBackend open(Optional<BackendId> requested, BackendOptions options) {
        Objects.requireNonNull(options, "options");
        BackendSelection selection = select(requested);
        if (selection.forced()) {
            Entry entry = entry(selection.chosen().descriptor().id()).orElseThrow();
            try {
                return new OpenedBackend(entry.open(options), selection);
            } catch (OpenFailure e) {
                throw new NoUsableBackendException(
                        "Backend '"
                                + entry.descriptor.id()
                                + "' was requested but failed to open: "
                                + e.getMessage(),
                        e.getCause());
            }
        }
        List<String> failures = new ArrayList<>();
        Set<BackendId> failed = new HashSet<>();
        BackendSelection candidate = selection;
        while (true) {
            Entry entry = entry(candidate.chosen().descriptor().id()).orElseThrow();
            try {
                ComputeBackend backend = entry.open(options);
                if (!failures.isEmpty()) {
                    LOG.warn(
                            "Backend '{}' used on {} instead, because {}",
                            entry.descriptor.id(),
                            candidate.device(),
                            String.join("; ", failures));
                }
                return new OpenedBackend(backend, candidate);
            } catch (OpenFailure e) {
                LOG.warn(
                        "Backend '{}' is available but failed to open: {}",
                        entry.descriptor.id(),
                        e.getMessage(),
                        e.getCause());
                failures.add(entry.descriptor.id() + " failed to open: " + e.getMessage());
                failed.add(entry.descriptor.id());
            }
            try {
                candidate = selectAutomatically(failed);
            } catch (NoUsableBackendException e) {
                throw new NoUsableBackendException(
                        "No compute backend could be opened: "
                                + String.join("; ", failures)
                                + ". "
                                + e.getMessage(),
                        e);
            }
            log(candidate);
        }
    }

    private Optional<Entry> entry(BackendId id) {
        return entries.stream().filter(e -> e.descriptor.id().equals(id)).findFirst();
    }

    private BackendSelection selectRequested(BackendId id) {
        Entry entry =
                entry(id)
                        .orElseThrow(
                                () ->
                                        new NoUsableBackendException(
                                                "Unknown backend '"
                                                        + id
                                                        + "'. Known backends: "
                                                        + knownIds()
                                                        + "."
                                                        + faultSentence()));
        ProbeReport report = entry.report();
        if (report.availability() instanceof Availability.Unavailable why) {
            throw new NoUsableBackendException(
                    "Backend '"
                            + id
                            + "' was requested but is unavailable: "
                            + why.reason()
                            + ". "
                            + why.hint());
        }
        return new BackendSelection(entry.provider, report, true, List.of(report));
    }

    /**
     * The automatic choice among the backends not excluded: probes them in descending order of
     * their {@link ComputeBackendProvider#priorityCeiling() ceilings} (unknown first) and stops
     * before the first whose ceiling is below the best priority found, so that a backend that
     * cannot win is not probed.
     */
    private BackendSelection selectAutomatically(Set<BackendId> excluded) {
        List<Entry> order =
                entries.stream()
                        .filter(e -> !excluded.contains(e.descriptor.id()))
                        .sorted(
                                Comparator.comparingInt(Entry::ceiling)
                                        .reversed()
                                        .thenComparing(e -> e.descriptor.id()))
                        .toList();
        List<ProbeReport> probed = new ArrayList<>();
        ProbeReport best = null;
        for (Entry entry : order) {
            if (best != null && entry.ceiling() < best.priority()) {
                LOG.debug(
                        "Backend '{}' not probed: it can reach at most priority {}, below {}",
                        entry.descriptor.id(),
                        entry.ceiling(),
                        best.priority());
                break;
            }
            ProbeReport report = entry.report();
            probed.add(report);
            if (report.availability().isAvailable()
                    && (best == null
                            || report.priority() > best.priority()
                            || (report.priority() == best.priority()
                                    && report.descriptor().id().compareTo(best.descriptor().id())
                                            < 0))) {
                best = report;
            }
        }
        probed.sort(
                Comparator.comparingInt(ProbeReport::priority)
                        .reversed()
                        .thenComparing(r -> r.descriptor().id()));
        if (best == null) {
            List<String> lines = new ArrayList<>();
            probed.forEach(r -> lines.add(describe(r)));
            faults.forEach(f -> lines.add(f.describe()));
            throw new NoUsableBackendException(
                    "No compute backend is available. Probed: "
                            + (lines.isEmpty()
                                    ? "none found (put a backend jar such as backend-ejml-cpu on"
                                            + " the module or class path)"
                                    : String.join("; ", lines)));
        }
        return new BackendSelection(
                entry(best.descriptor().id()).orElseThrow().provider, best, false, probed);
    }

    private String knownIds() {
        return entries.isEmpty()
                ? "none (no backend jar is on the module or class path)"
                : entries.stream()
                        .map(e -> e.descriptor.id().value())
                        .sorted()
                        .collect(Collectors.joining(", "));
    }

    private String faultSentence() {
        if (faults.isEmpty()) {
            return "";
        }
        return " Providers that could not be loaded: "
                + faults.stream().map(ProviderFault::describe).collect(Collectors.joining("; "))
                + ".";
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

    /** {@code "IllegalStateException: boom"}, following causes when the outer one says little. */
    static String summary(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            text.append(": ").append(e.getMessage());
        }
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && cause != e && depth < 3; depth++) {
            text.append(" (caused by ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                text.append(": ").append(cause.getMessage());
            }
            text.append(')');
            e = cause;
            cause = cause.getCause();
        }
        return text.toString();
    }

    private static String providerNamedIn(ServiceConfigurationError e) {
        Matcher matcher = PROVIDER_IN_MESSAGE.matcher(String.valueOf(e.getMessage()));
        return matcher.find() ? matcher.group(1) : "unknown provider";
    }

    private static String reason(ServiceConfigurationError e) {
        // The loader's message starts with the service's name, which says nothing here.
        String message = String.valueOf(e.getMessage());
        String prefix = ComputeBackendProvider.class.getName() + ": ";
        if (message.startsWith(prefix)) {
            message = message.substring(prefix.length());
        }
        return e.getCause() == null ? message : message + " (" + summary(e.getCause()) + ")";
    }

    /** Collects providers and faults, checking each provider's descriptor and id. */
    private static final class Builder {
        private final Map<BackendId, Entry> byId = new LinkedHashMap<>();
        private final List<ProviderFault> faults = new ArrayList<>();

        void fault(ProviderFault fault) {
            faults.add(fault);
        }

        void add(ServiceLoader.Provider<ComputeBackendProvider> found) {
            String name;
            try {
                name = found.type().getName();
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                faults.add(new ProviderFault("unknown provider", "type() threw " + summary(e)));
                return;
            }
            add(name, found::get);
        }

        void add(String name, java.util.function.Supplier<ComputeBackendProvider> instance) {
            ComputeBackendProvider provider;
            try {
                provider = instance.get();
            } catch (ServiceConfigurationError e) {
                // The loader wraps what the constructor (or static provider()) threw.
                faults.add(
                        new ProviderFault(
                                name,
                                e.getCause() == null
                                        ? reason(e)
                                        : "constructor threw " + summary(e.getCause())));
                return;
            } catch (RuntimeException | LinkageError e) {
                faults.add(new ProviderFault(name, "constructor threw " + summary(e)));
                return;
            }
            if (provider == null) {
                faults.add(new ProviderFault(name, "the service loader returned null"));
                return;
            }
            BackendDescriptor descriptor;
            try {
                descriptor = provider.descriptor();
            } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
                faults.add(new ProviderFault(name, "descriptor() threw " + summary(e)));
                return;
            }
            if (descriptor == null) {
                faults.add(new ProviderFault(name, "descriptor() returned null"));
                return;
            }
            Entry earlier = byId.get(descriptor.id());
            if (earlier != null) {
                faults.add(
                        new ProviderFault(
                                name,
                                "its id '"
                                        + descriptor.id()
                                        + "' is already used by "
                                        + earlier.providerClass
                                        + "; remove one of the two jars"));
                return;
            }
            byId.put(descriptor.id(), new Entry(name, provider, descriptor));
        }

        BackendCatalog build() {
            return new BackendCatalog(new ArrayList<>(byId.values()), faults);
        }
    }

    /** Thrown by {@link Entry#open} with a one-line reason and the original exception. */
    private static final class OpenFailure extends Exception {
        private static final long serialVersionUID = 1L;

        OpenFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One usable provider and its probe result, computed once. */
    private static final class Entry {
        final String providerClass;
        final ComputeBackendProvider provider;
        final BackendDescriptor descriptor;
        private ProbeReport report;
        private Integer ceiling;

        Entry(String providerClass, ComputeBackendProvider provider, BackendDescriptor descriptor) {
            this.providerClass = providerClass;
            this.provider = provider;
            this.descriptor = descriptor;
        }

        /** The provider's ceiling, once; unknown (and a ceiling that throws) is the maximum. */
        synchronized int ceiling() {
            if (ceiling == null) {
                OptionalInt stated;
                try {
                    stated = provider.priorityCeiling();
                } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
                    LOG.debug("Backend '{}': priorityCeiling() threw", descriptor.id(), e);
                    stated = OptionalInt.empty();
                }
                ceiling = stated == null ? Integer.MAX_VALUE : stated.orElse(Integer.MAX_VALUE);
            }
            return ceiling;
        }

        synchronized ProbeReport report() {
            if (report == null) {
                report = new ProbeReport(descriptor, probe());
            }
            return report;
        }

        private Availability probe() {
            Availability availability;
            try {
                availability = provider.probe();
            } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
                LOG.debug("Backend '{}': probe() threw", descriptor.id(), e);
                return Availability.unavailable(
                        providerClass + ": probe() threw " + summary(e), DEFECT_HINT);
            }
            if (availability == null) {
                return Availability.unavailable(
                        providerClass + ": probe() returned null", DEFECT_HINT);
            }
            return availability;
        }

        ComputeBackend open(BackendOptions options) throws OpenFailure {
            ComputeBackend backend;
            try {
                backend = provider.open(options);
            } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
                throw new OpenFailure(providerClass + ": open() threw " + summary(e), e);
            }
            if (backend == null) {
                throw new OpenFailure(providerClass + ": open() returned null", null);
            }
            return backend;
        }
    }
}
