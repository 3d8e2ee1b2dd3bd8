package org.amct.api.decompose;

import java.util.function.DoubleUnaryOperator;

/**
 * Brent's bounded scalar minimisation: golden-section search with parabolic steps, stopping at an
 * absolute tolerance on the argument. This follows the published method step for step as SciPy's
 * {@code minimize_scalar(method='bounded')} applies it, so that the noise variance the rank rule
 * finds is the reference's.
 */
final class BoundedBrent {
    private static final double SQRT_EPS = Math.sqrt(2.2e-16);
    private static final double GOLDEN = 0.5 * (3.0 - Math.sqrt(5.0));

    private BoundedBrent() {}

    /**
     * The argument of the minimum of {@code f} on {@code [lower, upper]}.
     *
     * @param f the objective
     * @param lower the lower bound
     * @param upper the upper bound, {@code >= lower}
     * @param xTolerance the absolute tolerance on the argument
     * @param maxEvaluations the most evaluations of {@code f}
     * @return the best argument found
     */
    static double minimize(
            DoubleUnaryOperator f,
            double lower,
            double upper,
            double xTolerance,
            int maxEvaluations) {
        double a = lower;
        double b = upper;
        double fulc = a + GOLDEN * (b - a);
        double nfc = fulc;
        double xf = fulc;
        double rat = 0.0;
        double e = 0.0;
        double fx = f.applyAsDouble(xf);
        int evaluations = 1;
        double ffulc = fx;
        double fnfc = fx;
        double xm = 0.5 * (a + b);
        double tol1 = SQRT_EPS * Math.abs(xf) + xTolerance / 3.0;
        double tol2 = 2.0 * tol1;
        while (Math.abs(xf - xm) > (tol2 - 0.5 * (b - a))) {
            boolean golden = true;
            if (Math.abs(e) > tol1) {
                golden = false;
                double r = (xf - nfc) * (fx - ffulc);
                double q = (xf - fulc) * (fx - fnfc);
                double p = (xf - fulc) * q - (xf - nfc) * r;
                q = 2.0 * (q - r);
                if (q > 0.0) {
                    p = -p;
                }
                q = Math.abs(q);
                r = e;
                e = rat;
                if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - xf) && p < q * (b - xf)) {
                    rat = p / q;
                    double x = xf + rat;
                    if ((x - a) < tol2 || (b - x) < tol2) {
                        rat = tol1 * signOrOne(xm - xf);
                    }
                } else {
                    golden = true;
                }
            }
            if (golden) {
                e = xf >= xm ? a - xf : b - xf;
                rat = GOLDEN * e;
            }
            double x = xf + signOrOne(rat) * Math.max(Math.abs(rat), tol1);
            double fu = f.applyAsDouble(x);
            evaluations++;
            if (fu <= fx) {
                if (x >= xf) {
                    a = xf;
                } else {
                    b = xf;
                }
                fulc = nfc;
                ffulc = fnfc;
                nfc = xf;
                fnfc = fx;
                xf = x;
                fx = fu;
            } else {
                if (x < xf) {
                    a = x;
                } else {
                    b = x;
                }
                if (fu <= fnfc || nfc == xf) {
                    fulc = nfc;
                    ffulc = fnfc;
                    nfc = x;
                    fnfc = fu;
                } else if (fu <= ffulc || fulc == xf || fulc == nfc) {
                    fulc = x;
                    ffulc = fu;
                }
            }
            xm = 0.5 * (a + b);
            tol1 = SQRT_EPS * Math.abs(xf) + xTolerance / 3.0;
            tol2 = 2.0 * tol1;
            if (evaluations >= maxEvaluations) {
                break;
            }
        }
        return xf;
    }

    /** numpy's {@code sign(v) + (v == 0)}: the sign, with 0 counted as positive. */
    private static double signOrOne(double v) {
        return v < 0 ? -1.0 : 1.0;
    }
}
