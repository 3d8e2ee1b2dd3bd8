package org.amct.calibration;

import java.io.IOException;

/**
 * A user's own measure of a decomposed model, higher is better (for example the accuracy on a
 * labelled validation set, or minus a task loss): what {@link CalibratedDecomposition} maximizes
 * instead of the mean output cosine when one is given. It is called once per candidate the
 * refinement tries (the count is bounded: see {@link RefinementReport#evaluations()}), with the
 * model as a graph and, through {@link Candidate#onnx()}, as an ONNX file's bytes to load in an
 * inference engine. It must be deterministic enough that two calls on the same model agree.
 */
@FunctionalInterface
public interface CandidateScore {
    /**
     * Scores a candidate.
     *
     * @param candidate the decomposed model
     * @return its score, higher is better; a finite number
     * @throws IOException if the score cannot read what it needs
     */
    double score(Candidate candidate) throws IOException;
}
