/**
 * The entry points of amct: {@link org.amct.api.TensorDecompose#autoDecomposition} and {@link
 * org.amct.api.TensorDecompose#decomposeNetwork}, their options and their results.
 *
 * <p>Configuration read from the environment (only here, at the boundary): the system property
 * {@code amct.backend} and then the environment variable {@code AMCT_BACKEND} force a backend by id
 * when the options do not name one.
 */
package org.amct.api;
