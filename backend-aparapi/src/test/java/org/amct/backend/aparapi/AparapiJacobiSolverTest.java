package org.amct.backend.aparapi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AparapiJacobiSolverTest {
    private static final double EPS = Math.ulp(1.0);

    @Test
    void diagonalMatrixNeedsNoRotation() {
        double[] gram = {4, 0, 0, 1};
        assertTrue(AparapiJacobiSolver.isDiagonal(gram, 2, 0.0));
    }

    @Test
    void offDiagonalAboveTheRelativeThresholdNeedsARotation() {
        double[] gram = {4, 3 * EPS, 3 * EPS, 1};
        assertFalse(AparapiJacobiSolver.isDiagonal(gram, 2, 0.0));
    }

    @Test
    void offDiagonalBelowTheRelativeThresholdIsNegligible() {
        double[] gram = {4, EPS, EPS, 1};
        assertTrue(AparapiJacobiSolver.isDiagonal(gram, 2, 0.0));
    }

    @Test
    void offDiagonalBelowTheAbsoluteFloorIsNegligible() {
        double[] gram = {4, 1e-20, 1e-20, 0};
        assertFalse(AparapiJacobiSolver.isDiagonal(gram, 2, 0.0));
        assertTrue(AparapiJacobiSolver.isDiagonal(gram, 2, 1e-18));
    }
}
