/**
 * The backend conformance suite and its helpers. A backend module adds one test class, {@code
 * <Name>BackendConformanceTest extends BackendConformanceSuite}, that opens its backend; the suite
 * checks the accuracy, ordering and ownership rules of the SPI against an accurate one-sided Jacobi
 * SVD ({@link org.amct.conformance.ReferenceSvd}) and against the reference tool's fixtures ({@link
 * org.amct.conformance.ReferenceFixtures}). Tolerances live in {@link
 * org.amct.conformance.Tolerances} so that other modules' tests reuse them.
 */
package org.amct.conformance;
