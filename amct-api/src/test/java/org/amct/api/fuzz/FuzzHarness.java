package org.amct.api.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

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
 * such as OutOfMemoryError, or running past the per-case time limit) fails the test and names the
 * seed that reproduces it. The case count is {@code -Dfuzz.cases=N}.
 */
public final class FuzzHarness {
    /** Cases per reader in the default build. */
    public static final int DEFAULT_CASES = 2000;

    /** A case taking longer than this counts as a hang. */
    public static final long CASE_LIMIT_MILLIS = 5_000;

    private FuzzHarness() {}

    /** The code under test: reads one mutant. */
    @FunctionalInterface
    public interface Reader {
        /** Reads {@code data}; may throw. */
        void read(byte[] data) throws Exception;
    }

    /** What a run found. */
    public record Outcome(
            int cases, int accepted, int rejected, long slowestMillis, long slowestSeed) {}

    /** The number of cases to run: {@code fuzz.cases} or the default. */
    public static int cases() {
        return Integer.getInteger("fuzz.cases", DEFAULT_CASES);
    }

    /** Fuzzes {@code reader} with mutants of {@code valid}; seeds are {@code base + i}. */
    public static Outcome run(String name, byte[] valid, long base, Reader reader)
            throws InterruptedException {
        int cases = cases();
        int accepted = 0;
        long slowest = 0;
        long slowestSeed = base;
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < cases; i++) {
                long seed = base + i;
                byte[] mutant = MutationFuzzer.mutate(valid, seed);
                long start = System.nanoTime();
                Future<?> future =
                        worker.submit(
                                () -> {
                                    reader.read(mutant);
                                    return null;
                                });
                boolean ok = await(name, seed, future, worker);
                if (ok) {
                    accepted++;
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
        return new Outcome(cases, accepted, cases - accepted, slowest, slowestSeed);
    }

    private static boolean await(String name, long seed, Future<?> future, ExecutorService worker)
            throws InterruptedException {
        try {
            future.get(CASE_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            future.cancel(true);
            fail(name + ": case with seed " + seed + " ran past " + CASE_LIMIT_MILLIS + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AmctException
                    && cause.getMessage() != null
                    && !cause.getMessage().isBlank()) {
                return false;
            }
            throw new AssertionError(name + ": case with seed " + seed + " threw " + cause, cause);
        }
        return false;
    }
}
