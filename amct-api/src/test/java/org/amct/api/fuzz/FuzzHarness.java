package org.amct.api.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.amct.api.exception.AmctException;

/**
 * Runs a reader over many mutants of a valid input. The only acceptable outcomes per case are
 * success or an {@link AmctException} with a message; anything else (another exception, an error
 * such as OutOfMemoryError or StackOverflowError, or running past the per-case time limit) is a
 * failure that names the seed reproducing it. A run goes on after a failure (up to {@value
 * #MAX_FAILURES}) so that one report lists them all. The case count is {@code -Dfuzz.cases=N}.
 *
 * <p>{@link #report} prints each reader's summary and also writes it to {@code
 * target/fuzz-summary/<reader>.txt}; the fuzz tests run in their own Surefire execution whose
 * output goes to the build's console (see amct-api/pom.xml), so the counts show in every build.
 */
public final class FuzzHarness {
    /** Cases per reader in the default build. */
    public static final int DEFAULT_CASES = 2000;

    /** A case taking longer than this counts as a hang. */
    public static final long CASE_LIMIT_MILLIS = 5_000;

    /** A run stops after this many failures. */
    public static final int MAX_FAILURES = 10;

    private FuzzHarness() {}

    /** The code under test: reads one mutant. */
    @FunctionalInterface
    public interface Reader {
        /** Reads {@code data}; may throw. */
        void read(byte[] data) throws Exception;
    }

    /** Makes the input of one case. */
    @FunctionalInterface
    public interface Mutants {
        /** The mutant for {@code seed}: the same seed gives the same bytes. */
        byte[] mutant(long seed) throws Exception;
    }

    /**
     * What a run found.
     *
     * @param cases the cases run
     * @param accepted the mutants read without error
     * @param rejected the mutants rejected with an {@link AmctException}
     * @param slowestMillis the longest single case, mutation and reading together
     * @param slowestSeed its seed
     * @param failures one line per failing case (seed and what it threw); empty when all passed
     */
    public record Outcome(
            int cases,
            int accepted,
            int rejected,
            long slowestMillis,
            long slowestSeed,
            List<String> failures) {}

    /** The number of cases to run: {@code fuzz.cases} or the default. */
    public static int cases() {
        return Integer.getInteger("fuzz.cases", DEFAULT_CASES);
    }

    /**
     * Fuzzes {@code reader} with byte-level mutants of {@code valid}; seeds are {@code base + i}.
     */
    public static Outcome run(String name, byte[] valid, long base, Reader reader)
            throws InterruptedException {
        return run(name, cases(), base, seed -> MutationFuzzer.mutate(valid, seed), reader);
    }

    /**
     * Fuzzes {@code reader} with {@code cases} mutants; seeds are {@code base + i}.
     *
     * @param name the reader, for messages
     * @param cases how many cases
     * @param base the first seed
     * @param mutants makes the input of a case from its seed
     * @param reader the code under test
     * @return the outcome; failures are listed there, not thrown
     * @throws InterruptedException if the test is interrupted
     */
    public static Outcome run(String name, int cases, long base, Mutants mutants, Reader reader)
            throws InterruptedException {
        int accepted = 0;
        int rejected = 0;
        long slowest = 0;
        long slowestSeed = base;
        List<String> failures = new ArrayList<>();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < cases && failures.size() < MAX_FAILURES; i++) {
                long seed = base + i;
                long start = System.nanoTime();
                Future<Boolean> future =
                        worker.submit(
                                () -> {
                                    reader.read(mutants.mutant(seed));
                                    return true;
                                });
                Boolean ok = await(name, seed, future, failures);
                if (ok == null) {
                    // A hang or a failure: the worker may be stuck or broken, use a fresh one.
                    worker.shutdownNow();
                    worker = Executors.newSingleThreadExecutor();
                } else if (ok) {
                    accepted++;
                } else {
                    rejected++;
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                if (millis > slowest) {
                    slowest = millis;
                    slowestSeed = seed;
                }
            }
        } finally {
            worker.shutdownNow();
        }
        return new Outcome(
                accepted + rejected + failures.size(),
                accepted,
                rejected,
                slowest,
                slowestSeed,
                List.copyOf(failures));
    }

    /** True: accepted; false: rejected clearly; null: a failure, added to {@code failures}. */
    private static Boolean await(
            String name, long seed, Future<Boolean> future, List<String> failures)
            throws InterruptedException {
        try {
            return future.get(CASE_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            failures.add(name + ": seed " + seed + " ran past " + CASE_LIMIT_MILLIS + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AmctException
                    && cause.getMessage() != null
                    && !cause.getMessage().isBlank()) {
                return false;
            }
            failures.add(name + ": seed " + seed + " threw " + describe(cause));
        }
        return null;
    }

    /** The throwable, where it was thrown, and the first frame of amct's code on the way. */
    private static String describe(Throwable cause) {
        StackTraceElement[] trace = cause.getStackTrace();
        String where = trace.length > 0 ? " at " + trace[0] : "";
        for (StackTraceElement frame : trace) {
            if (frame.getClassName().startsWith("org.amct.") && frame != trace[0]) {
                return cause + where + " from " + frame;
            }
        }
        return cause + where;
    }

    /**
     * Prints a reader's summary, writes it to {@code target/fuzz-summary/<reader>.txt}, and fails
     * listing every failing seed.
     *
     * @param reader the reader's name
     * @param outcome what the run found
     */
    public static void report(String reader, Outcome outcome) {
        String line =
                String.format(
                        Locale.ROOT,
                        "fuzz %s: %d cases, %d accepted, %d rejected with AmctException, %d"
                                + " failed; longest case %d ms (seed %d)",
                        reader,
                        outcome.cases(),
                        outcome.accepted(),
                        outcome.rejected(),
                        outcome.failures().size(),
                        outcome.slowestMillis(),
                        outcome.slowestSeed());
        System.out.println(line);
        outcome.failures().forEach(f -> System.out.println("  " + f));
        writeSummary(reader, line, outcome.failures());
        if (!outcome.failures().isEmpty()) {
            fail(line + "\n  " + String.join("\n  ", outcome.failures()));
        }
        assertEquals(outcome.cases(), outcome.accepted() + outcome.rejected());
    }

    private static void writeSummary(String reader, String line, List<String> failures) {
        Path folder = Path.of(System.getProperty("basedir", "."), "target", "fuzz-summary");
        String file = reader.replaceAll("[^A-Za-z0-9._-]", "_") + ".txt";
        List<String> lines = new ArrayList<>();
        lines.add(line);
        failures.forEach(f -> lines.add("  " + f));
        try {
            Files.createDirectories(folder);
            Files.write(folder.resolve(file), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the fuzz summary to " + folder, e);
        }
    }
}
