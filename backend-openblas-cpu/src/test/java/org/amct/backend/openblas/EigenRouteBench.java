package org.amct.backend.openblas;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasLower;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dsyev_2stage;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;
import static org.bytedeco.openblas.global.openblas.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas.cblas_dsyrk;

import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A benchmark, not a test: the candidates for the eigen-route of docs/PERFORMANCE.md side by side
 * in one JVM, on the Gram matrix of an {@code n x m} Gaussian matrix: the one-stage reduction
 * ({@code dsytrd} + {@code dsterf}) against the two-stage one for the values ({@code
 * dsyev_2stage}), and the top {@code r} eigenvectors of the tridiagonal form by inverse iteration
 * ({@code dstein}, the route the backend takes for separated spectra) against MRRR ({@code
 * dstemr}), each with its orthogonality {@code max |Z^T Z - I|}.
 *
 * <p>Run it on the test class path: this module's {@code target/test-classes} and {@code
 * target/classes}, {@code amct-spi/target/classes}, and the javacpp, openblas (each with its {@code
 * linux-x86_64} jar) and slf4j-api jars, for example
 *
 * <pre>
 * java -cp "$CP" org.amct.backend.openblas.EigenRouteBench --threads 2 1536 1536 400
 * </pre>
 *
 * Prints one line; times are wall-clock seconds.
 */
public final class EigenRouteBench {
    private EigenRouteBench() {}

    /**
     * Runs it.
     *
     * @param args {@code [--threads N] n m r}
     */
    public static void main(String[] args) {
        int threads = 1;
        int at = 0;
        if (args.length > 1 && args[0].equals("--threads")) {
            threads = Integer.parseInt(args[1]);
            at = 2;
        }
        if (args.length - at != 3) {
            throw new IllegalArgumentException("Usage: EigenRouteBench [--threads N] n m r");
        }
        int n = Integer.parseInt(args[at]);
        int m = Integer.parseInt(args[at + 1]);
        int r = Integer.parseInt(args[at + 2]);
        OpenBlasLibrary.load().useThreads(threads);
        Random random = new Random(7);
        try (DoublePointer a = OpenBlasBuffers.allocate((long) n * m);
                DoublePointer gram = OpenBlasBuffers.allocate((long) n * n);
                DoublePointer copy = OpenBlasBuffers.allocate((long) n * n);
                DoublePointer values = OpenBlasBuffers.allocate(n)) {
            for (long i = 0; i < (long) n * m; i++) {
                a.put(i, random.nextGaussian() / Math.sqrt(m));
            }
            long start = System.nanoTime();
            cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, n, m, 1.0, a, m, 0.0, gram, n);
            double syrk = seconds(start);
            Pointer.memcpy(copy, gram, (long) n * n * Double.BYTES);
            start = System.nanoTime();
            OpenBlasLapack.check(
                    LAPACKE_dsyev_2stage(
                            LAPACK_COL_MAJOR, (byte) 'N', (byte) 'L', n, copy, n, values),
                    "LAPACKE_dsyev_2stage",
                    "bench");
            double twoStage = seconds(start);
            start = System.nanoTime();
            try (OpenBlasTridiagonal t = OpenBlasTridiagonal.reduce(gram, n, "bench")) {
                t.eigenvalues();
                double oneStage = seconds(start);
                start = System.nanoTime();
                String stein;
                try (DoublePointer z =
                        t.tridiagonalVectors(
                                r, OpenBlasTridiagonal.VectorRoute.INVERSE_ITERATION)) {
                    stein =
                            String.format(
                                    Locale.ROOT,
                                    "%.3f s (orth %.1e)",
                                    seconds(start),
                                    orthogonality(z, n, r));
                }
                start = System.nanoTime();
                String mrrr;
                try (DoublePointer z =
                        t.tridiagonalVectors(r, OpenBlasTridiagonal.VectorRoute.MRRR)) {
                    mrrr =
                            String.format(
                                    Locale.ROOT,
                                    "%.3f s (orth %.1e)",
                                    seconds(start),
                                    orthogonality(z, n, r));
                }
                System.out.printf(
                        Locale.ROOT,
                        "n=%d m=%d r=%d threads=%d: dsyrk %.3f s | dsytrd+dsterf %.3f s,"
                                + " dsyev_2stage(N) %.3f s | vectors of T: dstein %s, dstemr %s%n",
                        n,
                        m,
                        r,
                        threads,
                        syrk,
                        oneStage,
                        twoStage,
                        stein,
                        mrrr);
            }
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double orthogonality(DoublePointer z, int n, int r) {
        try (DoublePointer product = OpenBlasBuffers.allocate((long) r * r)) {
            cblas_dgemm(
                    CblasColMajor,
                    CblasTrans,
                    CblasNoTrans,
                    r,
                    r,
                    n,
                    1.0,
                    z,
                    n,
                    z,
                    n,
                    0.0,
                    product,
                    r);
            double worst = 0;
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < r; j++) {
                    worst =
                            Math.max(
                                    worst,
                                    Math.abs(product.get((long) i * r + j) - (i == j ? 1 : 0)));
                }
            }
            return worst;
        }
    }
}
