/**
 * Reports people look at: {@link org.amct.api.report.HtmlReport} turns a {@link
 * org.amct.api.DecompositionResult} into one self-contained HTML page (inline SVG, no script, no
 * network) with each decomposed layer's singular-value spectrum and the marks of the rank rule, the
 * parameters and multiply-accumulates before and after, the totals, the backend and the skipped
 * layers. {@link org.amct.api.report.JsonReport} writes the same result as {@code report.json} for
 * programs, with a schema version and totals over the model.
 */
package org.amct.api.report;
