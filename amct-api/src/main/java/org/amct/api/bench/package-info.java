/**
 * Benchmarks of the per-layer work on each backend ({@link org.amct.api.bench.LayerBenchmark}) and
 * of whole models ({@link org.amct.api.bench.ReferenceModels}), for {@code amct bench} and the
 * performance documentation. Timings are measured side by side in one run; nothing here asserts a
 * time.
 */
package org.amct.api.bench;
