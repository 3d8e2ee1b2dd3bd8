package org.amct.backend.aparapi.kernel;

import com.aparapi.Kernel;
import java.util.Objects;

/**
 * The OpenCL kernel of one sweep of the parallel cyclic Jacobi eigenvalue method on a symmetric
 * {@code N x N} matrix {@code G} ({@code N} even), in float64, accumulating the rotations into
 * {@code V} so that {@code G_0 = V G V^T} holds throughout.
 *
 * <p>Ordering. A sweep is {@code N - 1} rounds of the round-robin (circle) tournament: in round
 * {@code r}, pair {@code 0} is {@code (r, N - 1)} and pair {@code k >= 1} is {@code ((r + k) mod (N
 * - 1), (r - k) mod (N - 1))}. The {@code N / 2} pairs of a round are disjoint, so their rotations
 * commute and are applied at once; every pair of indices meets once per sweep.
 *
 * <p>Passes. A sweep is one Aparapi execution of {@code 2 (N - 1)} passes, which OpenCL runs in
 * order. Pass {@code 2r} computes the rotation of each pair of round {@code r} from the current
 * {@code G} and keeps it with the pair's indices (work-items {@code 0 .. N/2 - 1}); pass {@code 2r
 * + 1} applies them: {@code G <- J^T G J} as {@code 2 x 2} blocks, one work-item per block {@code
 * (a, b)} of the rows of pair {@code a} and the columns of pair {@code b}, which reads and writes
 * only that block (so no work-item reads what another writes, and neighbouring work-items walk
 * along the same rows), and {@code V <- V J}, one work-item per row and pair.
 *
 * <p>Rotation. Pair {@code (p, q)} is rotated when {@code |g_pq| > max(eps sqrt|g_pp| sqrt|g_qq|,
 * floor)} (the relative criterion, with an absolute floor the caller sets): with {@code tau = (g_qq
 * - g_pp) / (2 g_pq)}, {@code t = sign(tau) / (|tau| + sqrt(1 + tau^2))}, {@code c = 1 / sqrt(1 +
 * t^2)}, {@code s = t c}, {@code J} is the identity but for {@code J[p, p] = J[q, q] = c}, {@code
 * J[p, q] = s}, {@code J[q, p] = -s}; then {@code g_pq} becomes exactly zero.
 *
 * <p>Arrays are bound, transferred and read back by the caller (explicit mode). Not thread-safe.
 */
public final class AparapiJacobiKernel extends Kernel implements AparapiExplicitKernel {
    /** {@code 2^-52}, the float64 machine epsilon. */
    public static final double EPSILON = 0x1.0p-52;

    /** Above this {@code |tau|}, {@code tau^2} could overflow and {@code t = 1 / (2 tau)}. */
    private static final double LARGE_TAU = 1e150;

    private double[] gram = new double[1];
    private double[] vectors = new double[1];
    private double[] tangents = new double[1];
    private double[] cosines = new double[1];
    private double[] sines = new double[1];
    private int[] firsts = new int[1];
    private int[] seconds = new int[1];
    private int order;
    private int pairs;
    private double minimum;

    /** Creates the kernel in explicit transfer mode, with nothing bound. */
    public AparapiJacobiKernel() {
        setExplicit(true);
    }

    /**
     * Binds the arrays of one eigen-decomposition.
     *
     * @param gram {@code G}, row-major {@code order x order}, exactly symmetric; updated in place
     * @param vectors {@code V}, row-major {@code order x order}; updated in place
     * @param order {@code N}, even and {@code >= 2}
     * @param floor the absolute threshold below which no pair is rotated
     */
    public void bind(double[] gram, double[] vectors, int order, double floor) {
        this.gram = Objects.requireNonNull(gram, "gram");
        this.vectors = Objects.requireNonNull(vectors, "vectors");
        this.order = order;
        this.pairs = order / 2;
        this.minimum = floor;
        tangents = new double[pairs];
        cosines = new double[pairs];
        sines = new double[pairs];
        firsts = new int[pairs];
        seconds = new int[pairs];
    }

    @Override
    public void upload() {
        put(gram).put(vectors).put(tangents).put(cosines).put(sines).put(firsts).put(seconds);
    }

    /** Copies {@code G} back from the device into the bound array. */
    public void downloadGram() {
        get(gram);
    }

    /** Copies {@code V} back from the device into the bound array. */
    public void downloadVectors() {
        get(vectors);
    }

    /**
     * The number of work-items each pass needs: {@code (N/2)^2} blocks plus {@code N * N/2} rows
     * and pairs of {@code V}.
     *
     * @return the work-item count
     */
    public int workItems() {
        return pairs * pairs + order * pairs;
    }

    /**
     * The number of passes in one sweep.
     *
     * @return {@code 2 (N - 1)}
     */
    public int passesPerSweep() {
        return 2 * (order - 1);
    }

    @Override
    public void release() {
        gram = new double[1];
        vectors = new double[1];
        tangents = new double[1];
        cosines = new double[1];
        sines = new double[1];
        firsts = new int[1];
        seconds = new int[1];
        order = 0;
        pairs = 0;
    }

    @Override
    public void run() {
        int id = getGlobalId();
        int pass = getPassId();
        int round = pass / 2;
        if (pass % 2 == 0) {
            if (id < pairs) {
                computeRotation(round, id);
            }
        } else {
            applyRotations(id);
        }
    }

    private int first(int round, int pair) {
        int last = order - 1;
        int index = round;
        if (pair > 0) {
            index = (round + pair) % last;
        }
        return index;
    }

    private int second(int round, int pair) {
        int last = order - 1;
        int index = last;
        if (pair > 0) {
            index = (round - pair + last) % last;
        }
        return index;
    }

    private void computeRotation(int round, int pair) {
        int p = first(round, pair);
        int q = second(round, pair);
        double app = gram[p * order + p];
        double aqq = gram[q * order + q];
        double apq = gram[p * order + q];
        double threshold = EPSILON * Math.sqrt(Math.abs(app)) * Math.sqrt(Math.abs(aqq));
        if (threshold < minimum) {
            threshold = minimum;
        }
        double t = 0.0;
        if (Math.abs(apq) > threshold) {
            double tau = (aqq - app) / (2.0 * apq);
            if (Math.abs(tau) > LARGE_TAU) {
                t = 0.5 / tau;
            } else {
                double root = Math.sqrt(1.0 + tau * tau);
                if (tau >= 0.0) {
                    t = 1.0 / (tau + root);
                } else {
                    t = -1.0 / (root - tau);
                }
            }
        }
        double c = 1.0 / Math.sqrt(1.0 + t * t);
        firsts[pair] = p;
        seconds[pair] = q;
        tangents[pair] = t;
        cosines[pair] = c;
        sines[pair] = t * c;
    }

    private void applyRotations(int id) {
        int blocks = pairs * pairs;
        if (id < blocks) {
            int a = id / pairs;
            int b = id - a * pairs;
            if (a == b) {
                rotateDiagonalBlock(a);
            } else {
                rotateBlock(a, b);
            }
        } else {
            if (id < blocks + order * pairs) {
                int item = id - blocks;
                int row = item / pairs;
                rotateVectorRow(row, item - row * pairs);
            }
        }
    }

    private void rotateDiagonalBlock(int pair) {
        double t = tangents[pair];
        if (t != 0.0) {
            int p = firsts[pair];
            int q = seconds[pair];
            double apq = gram[p * order + q];
            gram[p * order + p] = gram[p * order + p] - t * apq;
            gram[q * order + q] = gram[q * order + q] + t * apq;
            gram[p * order + q] = 0.0;
            gram[q * order + p] = 0.0;
        }
    }

    /**
     * Rotates the block of rows of pair {@code a} and columns of pair {@code b}: {@code J_a^T B
     * J_b}. Each work-item reads and writes only its own block, along its own rows. The mirrored
     * block (the other work-item's) must come out as the exact transpose, so both evaluate {@code
     * J_lo^T B_lo,hi J_hi} with {@code lo < hi} on the same operands in the same order, and the one
     * with {@code a > b} writes the transpose.
     */
    private void rotateBlock(int a, int b) {
        if (tangents[a] != 0.0 || tangents[b] != 0.0) {
            int rowP = firsts[a] * order;
            int rowQ = seconds[a] * order;
            int r = firsts[b];
            int s = seconds[b];
            double gpr = gram[rowP + r];
            double gps = gram[rowP + s];
            double gqr = gram[rowQ + r];
            double gqs = gram[rowQ + s];
            int lo = a;
            int hi = b;
            double b01 = gps;
            double b10 = gqr;
            if (a > b) {
                lo = b;
                hi = a;
                b01 = gqr;
                b10 = gps;
            }
            double cl = cosines[lo];
            double sl = sines[lo];
            double ch = cosines[hi];
            double sh = sines[hi];
            double top0 = cl * gpr - sl * b10;
            double top1 = cl * b01 - sl * gqs;
            double bottom0 = sl * gpr + cl * b10;
            double bottom1 = sl * b01 + cl * gqs;
            double m01 = sh * top0 + ch * top1;
            double m10 = ch * bottom0 - sh * bottom1;
            gram[rowP + r] = ch * top0 - sh * top1;
            gram[rowQ + s] = sh * bottom0 + ch * bottom1;
            if (a < b) {
                gram[rowP + s] = m01;
                gram[rowQ + r] = m10;
            } else {
                gram[rowP + s] = m10;
                gram[rowQ + r] = m01;
            }
        }
    }

    private void rotateVectorRow(int row, int pair) {
        if (tangents[pair] != 0.0) {
            int p = row * order + firsts[pair];
            int q = row * order + seconds[pair];
            double c = cosines[pair];
            double s = sines[pair];
            double vp = vectors[p];
            double vq = vectors[q];
            vectors[p] = c * vp - s * vq;
            vectors[q] = s * vp + c * vq;
        }
    }
}
