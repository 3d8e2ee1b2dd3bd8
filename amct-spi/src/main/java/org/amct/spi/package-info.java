/**
 * The backend SPI: a {@link org.amct.spi.ComputeBackendProvider} describes and probes a compute
 * backend and opens a {@link org.amct.spi.ComputeBackend}, which factorizes dense float64 matrices
 * into their singular values and leading left singular vectors.
 *
 * <p>Every type here is either immutable or documents its ownership and thread-safety rules.
 */
package org.amct.spi;
