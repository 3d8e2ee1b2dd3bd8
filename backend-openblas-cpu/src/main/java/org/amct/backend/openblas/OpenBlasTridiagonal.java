package org.amct.backend.openblas;

import static org.bytedeco.openblas.global.openblas.LAPACKE_dstein;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dstemr;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dsterf;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dsytrd;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;
import static org.bytedeco.openblas.global.openblas.LAPACK_dlarfb_base;
import static org.bytedeco.openblas.global.openblas.LAPACK_dlarft_base;

import java.util.Arrays;
import org.amct.spi.BackendException;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A symmetric matrix {@code G} ({@code n x n}) reduced once to tridiagonal form {@code G = Q T Q^T}
 * by {@code dsytrd}, kept in native memory: {@code T}'s diagonal and off-diagonal, and the
 * Householder reflectors of {@code Q} (in {@code G}'s own buffer, which this object takes over, and
 * {@code tau}). From it come all eigenvalues ({@code dsterf}) and the eigenvectors of the largest
 * ones (of {@code T} first, then {@code Q} is applied to them in groups of {@value #Q_BLOCK}
 * reflectors, {@link #applyQ}).
 *
 * <p>The eigenvectors of {@code T}: by inverse iteration ({@code dstein}) from the eigenvalues
 * {@code dsterf} already computed, when the wanted eigenvalues are well separated, otherwise by
 * MRRR ({@code dstemr}). Inverse iteration costs {@code O(n)} per vector plus a Gram-Schmidt
 * reorthogonalization within each cluster of eigenvalues closer than {@code 1e-3 ||T||} ({@code O(n
 * k^2)} for a cluster of {@code k}); MRRR costs {@code O(n)} per vector too but with a much larger
 * constant on this library (it recomputes the eigenvalues and refines them by bisection): for the
 * top fifth of the spectrum of a {@code 3072 x 3072} Gram matrix of Gaussian numbers {@code dstein}
 * took 0.20 s and {@code dstemr} 0.94 s, with better orthogonality (see docs/PERFORMANCE.md). So
 * {@code dstein} is used when the sum of the squared cluster sizes is at most {@value
 * #CLUSTER_WORK_LIMIT} times the number of vectors, and when it reports a vector that did not
 * converge, {@code dstemr} computes them all again.
 *
 * <p>Memory: {@code n^2 + 4n} doubles kept until {@link #close()}. Not thread-safe.
 */
final class OpenBlasTridiagonal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenBlasTridiagonal.class);

    /**
     * {@code dstein} is chosen when {@code sum k^2 <= CLUSTER_WORK_LIMIT * count} over the clusters
     * of the wanted eigenvalues: measured, it still beat {@code dstemr} at a ratio of 27 (4.7x
     * faster) and lost at 63 (1.2x slower).
     */
    static final int CLUSTER_WORK_LIMIT = 40;

    /** Eigenvalues closer than this times {@code ||T||_1} are one cluster, as in {@code dstein}. */
    private static final double CLUSTER_TOLERANCE = 1e-3;

    private static final byte LOWER = 'L';
    private static final byte VECTORS = 'V';
    private static final byte BY_INDEX = 'I';

    /** The reflectors of {@code Q} applied at once ({@link #applyQ}); {@code dormtr} uses 32. */
    static final int Q_BLOCK = 128;

    /** The fewest vectors a part of a split inverse iteration gets. */
    static final int MIN_PART = 32;

    private final int order;
    private final int parallelism;
    private final String context;
    private final DoublePointer reflectors;
    private final DoublePointer diagonal;
    private final DoublePointer offDiagonal;
    private final DoublePointer tau;
    private double[] ascending;
    private VectorRoute route;

    /** How the eigenvectors of {@code T} were last computed. */
    enum VectorRoute {
        /** {@code dstein} from the {@code dsterf} eigenvalues. */
        INVERSE_ITERATION,
        /** {@code dstemr}. */
        MRRR
    }

    private OpenBlasTridiagonal(
            int order, int parallelism, String context, DoublePointer reflectors) {
        this.order = order;
        this.parallelism = parallelism;
        this.context = context;
        this.reflectors = reflectors;
        this.diagonal = OpenBlasBuffers.allocate(order);
        this.offDiagonal = OpenBlasBuffers.allocate(order);
        this.tau = OpenBlasBuffers.allocate(order);
    }

    /**
     * Reduces {@code gram} to tridiagonal form, taking over its buffer (closed with this object,
     * also when the reduction fails).
     *
     * @param gram the column-major {@code order x order} matrix, lower triangle used
     * @param order {@code n}
     * @param context names the factorized matrix in error messages, for example {@code "1536 x
     *     1536"}
     * @return the reduced form, owned by the caller
     * @throws BackendException if {@code dsytrd} fails
     */
    static OpenBlasTridiagonal reduce(DoublePointer gram, int order, String context) {
        return reduce(gram, order, context, 1);
    }

    /**
     * Reduces {@code gram} to tridiagonal form, as {@link #reduce(DoublePointer, int, String)}, and
     * lets inverse iteration run on up to {@code parallelism} Java threads.
     *
     * @param gram the column-major {@code order x order} matrix, lower triangle used
     * @param order {@code n}
     * @param context names the factorized matrix in error messages
     * @param parallelism the most threads {@code dstein} may run on at once, {@code >= 1} (the
     *     backend's thread count)
     * @return the reduced form, owned by the caller
     * @throws BackendException if {@code dsytrd} fails
     */
    static OpenBlasTridiagonal reduce(
            DoublePointer gram, int order, String context, int parallelism) {
        if (parallelism < 1) {
            gram.close();
            throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
        }
        OpenBlasTridiagonal reduced = null;
        boolean complete = false;
        try {
            reduced = new OpenBlasTridiagonal(order, parallelism, context, gram);
            int info =
                    LAPACKE_dsytrd(
                            LAPACK_COL_MAJOR,
                            LOWER,
                            order,
                            gram,
                            order,
                            reduced.diagonal,
                            reduced.offDiagonal,
                            reduced.tau);
            OpenBlasLapack.check(info, "LAPACKE_dsytrd", context);
            complete = true;
            return reduced;
        } finally {
            if (!complete) {
                if (reduced != null) {
                    reduced.close();
                } else {
                    gram.close();
                }
            }
        }
    }

    /**
     * All eigenvalues of {@code T} (and {@code G}), by {@code dsterf} on copies of {@code T}.
     *
     * @return a new array of {@code n} eigenvalues in ascending order
     * @throws BackendException if {@code dsterf} fails
     */
    double[] eigenvalues() {
        double[] eigenvalues = new double[order];
        try (DoublePointer d = OpenBlasBuffers.copyOf(diagonal, order);
                DoublePointer e = OpenBlasBuffers.copyOf(offDiagonal, order)) {
            OpenBlasLapack.check(LAPACKE_dsterf(order, d, e), "LAPACKE_dsterf", context);
            OpenBlasBuffers.read(d, 0, eigenvalues, 0, order);
        }
        Arrays.sort(eigenvalues);
        ascending = eigenvalues;
        return eigenvalues.clone();
    }

    /**
     * The eigenvectors of {@code G} for its {@code count} largest eigenvalues.
     *
     * @param count how many, {@code 1 <= count <= n}
     * @return a column-major {@code n x count} native buffer with orthonormal columns, eigenvalues
     *     ascending from column 0; owned by the caller
     * @throws BackendException if {@code dstemr} fails
     * @throws IllegalStateException if {@link #eigenvalues()} was not called first
     */
    DoublePointer topEigenvectors(int count) {
        DoublePointer vectors = OpenBlasBuffers.allocate((long) order * count);
        boolean complete = false;
        try {
            long start = System.nanoTime();
            tridiagonalEigenvectors(count, vectors);
            long found = System.nanoTime();
            applyQ(reflectors, tau, order, vectors, count, Q_BLOCK);
            LOG.debug(
                    "openblas: {} eigenvectors of {}: of T in {} ms ({}), Q applied in {} ms",
                    count,
                    context,
                    (found - start) / 1_000_000,
                    route,
                    (System.nanoTime() - found) / 1_000_000);
            complete = true;
            return vectors;
        } finally {
            if (!complete) {
                vectors.close();
            }
        }
    }

    /**
     * {@code C := Q C} for the {@code Q} of {@code dsytrd} with the lower triangle: what {@code
     * dormtr('L', 'L', 'N')} computes, with the reflectors grouped {@code block} at a time (one
     * {@code dlarft}, then one {@code dlarfb}: two {@code dgemm}s and two {@code dtrmm}s per group)
     * instead of {@code dormqr}'s 32, which keeps the products compute-bound. Measured against
     * {@code dormtr} on 2 threads: 1.5-2.0x faster at n = 1536, 3072 and 6144 with {@code r = n /
     * 5} for a block of 128, the same result to 1.5e-14 (docs/PERFORMANCE.md).
     *
     * <p>{@code Q = H(1) ... H(n-1)}; {@code H(i)} acts on rows {@code i+1..n} (1-based), its
     * vector stored below the subdiagonal of column {@code i} of {@code reflectors} with an
     * implicit 1 on the subdiagonal: a QR-like set in {@code reflectors(2:n, 1:n-1)} applied to
     * {@code C(2:n, :)}, last group first.
     *
     * @param reflectors the {@code order x order} column-major output of {@code dsytrd('L')}
     * @param tau its {@code order - 1} scalar factors
     * @param order {@code n}
     * @param c the {@code n x count} column-major matrix, overwritten
     * @param count its columns
     * @param block the reflectors per group, {@code >= 1}
     */
    static void applyQ(
            DoublePointer reflectors,
            DoublePointer tau,
            int order,
            DoublePointer c,
            int count,
            int block) {
        int k = order - 1;
        if (k <= 0 || count <= 0) {
            return;
        }
        int width = Math.min(block, k);
        try (DoublePointer t = OpenBlasBuffers.allocate((long) width * width);
                DoublePointer work = OpenBlasBuffers.allocate((long) count * width);
                IntPointer rows = new IntPointer(1);
                IntPointer columns = new IntPointer(1);
                IntPointer size = new IntPointer(1);
                IntPointer leading = new IntPointer(1);
                IntPointer leadingT = new IntPointer(1);
                IntPointer leadingWork = new IntPointer(1)) {
            columns.put(0, count);
            leading.put(0, order);
            leadingT.put(0, width);
            leadingWork.put(0, count);
            for (int first = (k - 1) / width * width; first >= 0; first -= width) {
                int group = Math.min(width, k - first);
                DoublePointer v = reflectors.getPointer((long) first * order + first + 1);
                rows.put(0, k - first);
                size.put(0, group);
                LAPACK_dlarft_base(
                        "F", "C", rows, size, v, leading, tau.getPointer(first), t, leadingT, 1, 1);
                LAPACK_dlarfb_base(
                        "L",
                        "N",
                        "F",
                        "C",
                        rows,
                        columns,
                        size,
                        v,
                        leading,
                        t,
                        leadingT,
                        c.getPointer(first + 1),
                        leading,
                        work,
                        leadingWork,
                        1,
                        1,
                        1,
                        1);
            }
        }
    }

    /** Frees the native buffers. */
    @Override
    public void close() {
        reflectors.close();
        diagonal.close();
        offDiagonal.close();
        tau.close();
    }

    /**
     * The eigenvectors of {@code T} for its {@code count} largest eigenvalues, by inverse iteration
     * when the cluster work allows it and it converges, otherwise by MRRR.
     */
    private void tridiagonalEigenvectors(int count, DoublePointer vectors) {
        if (ascending == null) {
            throw new IllegalStateException("eigenvalues() must be called before the vectors");
        }
        double norm = tridiagonalNorm();
        long clusterWork = clusterWork(ascending, order - count, norm);
        if (norm > 0 && clusterWork <= (long) CLUSTER_WORK_LIMIT * count) {
            int failed = inverseIteration(count, vectors);
            if (failed == 0) {
                route = VectorRoute.INVERSE_ITERATION;
                return;
            }
            LOG.debug(
                    "openblas: dstein left {} of {} eigenvectors of {} unconverged; using dstemr",
                    failed,
                    count,
                    context);
        } else {
            LOG.debug(
                    "openblas: clustered spectrum (sum k^2 = {} for {} vectors) of {}; using dstemr",
                    clusterWork,
                    count,
                    context);
        }
        relativelyRobustRepresentations(count, vectors);
        route = VectorRoute.MRRR;
    }

    /**
     * The eigenvectors of {@code T} (not of {@code G}: {@code Q} is not applied) for its {@code
     * count} largest eigenvalues by the given route, whatever the spectrum: for benchmarks and
     * tests that compare the routes.
     *
     * @param count how many, {@code 1 <= count <= n}
     * @param forced the route to take
     * @return a column-major {@code n x count} native buffer, owned by the caller
     * @throws BackendException if the routine fails or, for inverse iteration, does not converge
     * @throws IllegalStateException if {@link #eigenvalues()} was not called first
     */
    DoublePointer tridiagonalVectors(int count, VectorRoute forced) {
        if (ascending == null) {
            throw new IllegalStateException("eigenvalues() must be called before the vectors");
        }
        DoublePointer vectors = OpenBlasBuffers.allocate((long) order * count);
        boolean complete = false;
        try {
            if (forced == VectorRoute.MRRR) {
                relativelyRobustRepresentations(count, vectors);
            } else {
                int failed = inverseIteration(count, vectors);
                if (failed != 0) {
                    throw new BackendException(
                            "Backend 'openblas': LAPACKE_dstein left "
                                    + failed
                                    + " eigenvectors of the tridiagonal form of "
                                    + context
                                    + " unconverged");
                }
            }
            complete = true;
            return vectors;
        } finally {
            if (!complete) {
                vectors.close();
            }
        }
    }

    /**
     * How the last {@link #topEigenvectors} call computed the eigenvectors of {@code T}.
     *
     * @return the route, or {@code null} before the first call
     */
    VectorRoute vectorRoute() {
        return route;
    }

    /**
     * {@code sum k^2} over the clusters of {@code values[from..]} (ascending), a cluster being a
     * maximal run whose neighbours are at most {@code CLUSTER_TOLERANCE * norm} apart.
     *
     * @param values ascending eigenvalues
     * @param from the first wanted index
     * @param norm {@code ||T||_1}
     * @return the sum of the squared cluster sizes, at least {@code values.length - from}
     */
    static long clusterWork(double[] values, int from, double norm) {
        double tolerance = CLUSTER_TOLERANCE * norm;
        long work = 0;
        long size = 1;
        for (int i = from + 1; i < values.length; i++) {
            if (values[i] - values[i - 1] <= tolerance) {
                size++;
            } else {
                work += size * size;
                size = 1;
            }
        }
        return work + size * size;
    }

    /** {@code max_i |e_{i-1}| + |d_i| + |e_i|}. */
    private double tridiagonalNorm() {
        double[] d = new double[order];
        double[] e = new double[order];
        OpenBlasBuffers.read(diagonal, 0, d, 0, order);
        OpenBlasBuffers.read(offDiagonal, 0, e, 0, order);
        double norm = 0;
        for (int i = 0; i < order; i++) {
            double row = Math.abs(d[i]);
            if (i > 0) {
                row += Math.abs(e[i - 1]);
            }
            if (i < order - 1) {
                row += Math.abs(e[i]);
            }
            norm = Math.max(norm, row);
        }
        return norm;
    }

    /**
     * Where inverse iteration may be split into parts that run at once: indices into the wanted
     * eigenvalues {@code values[from..]} (ascending) at which a part starts, each at a gap wider
     * than {@code CLUSTER_TOLERANCE * norm}, so that no cluster {@code dstein} reorthogonalizes
     * within is cut (vectors across such a gap are orthogonal without it, as within one call). The
     * parts are as equal as the gaps allow and hold at least {@value #MIN_PART} vectors each.
     *
     * @param values ascending eigenvalues
     * @param from the first wanted index
     * @param norm {@code ||T||_1}
     * @param parts the most parts wanted, {@code >= 1}
     * @return the part starts: {@code 0} first, then increasing, each {@code < values.length -
     *     from}; one element when the wanted eigenvalues are not split
     */
    static int[] splitPoints(double[] values, int from, double norm, int parts) {
        int count = values.length - from;
        int wanted = Math.min(parts, count / MIN_PART);
        if (wanted <= 1) {
            return new int[] {0};
        }
        double tolerance = CLUSTER_TOLERANCE * norm;
        int[] starts = new int[wanted];
        int found = 1;
        for (int part = 1; part < wanted; part++) {
            int target = (int) ((long) count * part / wanted);
            int previous = starts[found - 1];
            int best = -1;
            // the separating gap nearest to the even split, leaving MIN_PART on each side
            for (int distance = 0; best < 0 && distance < count; distance++) {
                for (int candidate : new int[] {target - distance, target + distance}) {
                    if (best < 0
                            && candidate >= previous + MIN_PART
                            && candidate <= count - MIN_PART
                            && values[from + candidate] - values[from + candidate - 1]
                                    > tolerance) {
                        best = candidate;
                    }
                }
            }
            if (best > 0) {
                starts[found++] = best;
            }
        }
        return Arrays.copyOf(starts, found);
    }

    /**
     * {@code dstein} on {@code T} as one block, with the {@code count} largest eigenvalues from
     * {@code dsterf} in ascending order, so that column 0 holds the smallest of them; split into
     * parts at gaps between clusters ({@link #splitPoints}) that run on their own threads when the
     * parallelism allows.
     *
     * @return the number of vectors that did not converge (0 on success)
     */
    private int inverseIteration(int count, DoublePointer vectors) {
        int from = order - count;
        int[] starts = splitPoints(ascending, from, tridiagonalNorm(), parallelism);
        if (starts.length == 1) {
            return inverseIteration(from, count, vectors);
        }
        int[] failed = new int[starts.length];
        Throwable[] errors = new Throwable[starts.length];
        Thread[] workers = new Thread[starts.length];
        for (int part = starts.length - 1; part >= 0; part--) {
            int first = starts[part];
            int size = (part + 1 < starts.length ? starts[part + 1] : count) - first;
            int index = part;
            Runnable work =
                    () -> {
                        try {
                            failed[index] =
                                    inverseIteration(
                                            from + first,
                                            size,
                                            vectors.getPointer((long) first * order));
                        } catch (RuntimeException | Error e) {
                            errors[index] = e;
                        }
                    };
            if (part > 0) {
                workers[part] = new Thread(work, "amct-openblas-dstein-" + part);
                workers[part].setDaemon(true);
                workers[part].start();
            } else {
                work.run(); // the first part on this thread
            }
        }
        boolean interrupted = false;
        for (int part = 1; part < starts.length; part++) {
            while (true) {
                try {
                    workers[part].join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the native call cannot be stopped: wait for it
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        for (Throwable error : errors) {
            if (error instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (error instanceof Error fatal) {
                throw fatal;
            }
        }
        int total = 0;
        for (int f : failed) {
            total += f;
        }
        LOG.debug(
                "openblas: dstein in {} parts of the {} vectors of {}",
                starts.length,
                count,
                context);
        return total;
    }

    /**
     * {@code dstein} for the eigenvalues {@code ascending[from .. from + count)}, their vectors
     * written to the {@code count} columns at {@code vectors}. The arrays are {@code n} long, as
     * LAPACK documents them (LAPACKE's NaN check reads {@code n} values).
     *
     * @return the number of vectors that did not converge (0 on success)
     */
    private int inverseIteration(int from, int count, DoublePointer vectors) {
        try (DoublePointer wanted = OpenBlasBuffers.allocate(order);
                IntPointer blocks = new IntPointer(order);
                IntPointer splits = new IntPointer(order);
                IntPointer failures = new IntPointer(order)) {
            Pointer.memset(wanted, 0, (long) order * Double.BYTES);
            OpenBlasBuffers.write(ascending, from, wanted, 0, count);
            for (int i = 0; i < count; i++) {
                blocks.put(i, 1);
            }
            splits.put(0, order);
            int info =
                    LAPACKE_dstein(
                            LAPACK_COL_MAJOR,
                            order,
                            diagonal,
                            offDiagonal,
                            count,
                            wanted,
                            blocks,
                            splits,
                            vectors,
                            order,
                            failures);
            if (info > 0) {
                return info;
            }
            OpenBlasLapack.check(info, "LAPACKE_dstein", context);
            return 0;
        }
    }

    /** The eigenvectors of {@code T} for its {@code count} largest eigenvalues, by MRRR. */
    private void relativelyRobustRepresentations(int count, DoublePointer vectors) {
        try (DoublePointer d = OpenBlasBuffers.copyOf(diagonal, order);
                DoublePointer e = OpenBlasBuffers.copyOf(offDiagonal, order);
                DoublePointer values = OpenBlasBuffers.allocate(order);
                IntPointer found = new IntPointer(1);
                IntPointer support = new IntPointer(2L * count);
                IntPointer tryRelativeAccuracy = new IntPointer(1)) {
            tryRelativeAccuracy.put(0, 1);
            int info =
                    LAPACKE_dstemr(
                            LAPACK_COL_MAJOR,
                            VECTORS,
                            BY_INDEX,
                            order,
                            d,
                            e,
                            0.0,
                            0.0,
                            order - count + 1,
                            order,
                            found,
                            values,
                            vectors,
                            order,
                            count,
                            support,
                            tryRelativeAccuracy);
            OpenBlasLapack.check(info, "LAPACKE_dstemr", context);
            if (found.get() != count) {
                throw new BackendException(
                        "Backend 'openblas': LAPACKE_dstemr found "
                                + found.get()
                                + " eigenvectors of the tridiagonal form of "
                                + context
                                + " where "
                                + count
                                + " were asked for");
            }
        }
    }
}
