package org.amct.backend.nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The texts users read when the ND4J backend cannot run: what is missing or failed, and what to do.
 * Loads no ND4J class. Pure functions; thread-safe.
 */
final class Nd4jMessages {
    /** How many causes of a failure a reason quotes at most. */
    private static final int MAX_CAUSES = 4;

    private Nd4jMessages() {}

    /**
     * Why the backend is unavailable when ND4J's API is not on the class path.
     *
     * @return the reason, naming the class that was looked for
     */
    static String notOnClassPath() {
        return "ND4J is not on the class path (no "
                + Nd4jClassPath.ND4J_API_CLASS
                + "); ND4J cannot be used from the module path, so this backend and ND4J's jars"
                + " must both be on the class path";
    }

    /**
     * Why the backend is unavailable when JDK modules ND4J needs are not in the module graph.
     *
     * @param missing the missing module names, for example {@code [jdk.unsupported]}
     * @return the reason, saying what to add to the {@code java} command
     */
    static String missingJdkModules(List<String> missing) {
        return "ND4J needs the JDK module(s) "
                + String.join(", ", missing)
                + " (JavaCPP reaches ND4J's memory through sun.misc.Unsafe), which this JVM did not"
                + " resolve: the application was launched as a named module and nothing requires"
                + " them; add --add-modules ALL-DEFAULT (or --add-modules "
                + String.join(",", missing)
                + ") to the java command";
    }

    /**
     * Why the backend is unavailable when ND4J's own backends could not start.
     *
     * @param skipped one entry per ND4J backend found, {@code "<class>: <why it cannot run>"}
     * @return the reason
     */
    static String noUsableNd4jBackend(List<String> skipped) {
        Objects.requireNonNull(skipped, "skipped");
        if (skipped.isEmpty()) {
            return "ND4J is on the class path but none of its backends is: add org.nd4j:nd4j-native"
                    + " with its linux-x86_64 jar (CPU) or org.nd4j:nd4j-cuda-11.6 with its"
                    + " linux-x86_64 jar (CUDA)";
        }
        return "no ND4J backend can run here: " + String.join("; ", skipped);
    }

    /**
     * Why the backend is unavailable when ND4J failed to initialise. Names the native library when
     * an {@link UnsatisfiedLinkError} is among the causes.
     *
     * @param failure what initialising ND4J threw
     * @return the reason
     */
    static String initFailure(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        StringBuilder reason = new StringBuilder("ND4J could not initialise");
        UnsatisfiedLinkError link = linkError(failure);
        if (link != null) {
            reason.append(": a native library is missing or does not load (")
                    .append(link.getMessage())
                    .append(')');
        } else {
            reason.append(": ").append(causes(failure));
        }
        if (failure instanceof NoClassDefFoundError
                && String.valueOf(failure.getMessage()).startsWith("Could not initialize class")) {
            reason.append(
                    "; ND4J already failed to initialise earlier in this JVM, and the log has"
                            + " that first failure");
        }
        return reason.toString();
    }

    /**
     * What the user can do about it.
     *
     * @return the hint
     */
    static String hint() {
        return "Put this backend's jar (backend-nd4j-cuda) and ND4J's jars on the class path, not"
                + " the module path: with the ./amct launcher set AMCT_WITH_ND4J=1. For a GPU use"
                + " org.nd4j:nd4j-cuda-11.6 (linux-x86_64) instead of nd4j-native and install"
                + " the CUDA 11.6 libraries (docs/backends/nd4j.md). Or choose another backend,"
                + " for example --backend ejml.";
    }

    /** The first {@link UnsatisfiedLinkError} in the cause chain, or {@code null}. */
    private static UnsatisfiedLinkError linkError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnsatisfiedLinkError linkError) {
                return linkError;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /**
     * The cause chain of a failure, for a reason text.
     *
     * @param failure the failure
     * @return {@code "Type: message <- Type: message"}, outermost first, repeated texts once
     */
    static String causes(Throwable failure) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = failure; t != null && parts.size() < MAX_CAUSES; t = t.getCause()) {
            String part = t.getClass().getName() + ": " + t.getMessage();
            if (!parts.contains(part)) {
                parts.add(part);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return String.join(" <- ", parts);
    }
}
