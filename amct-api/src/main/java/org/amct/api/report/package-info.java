/**
 * Reports people look at: {@link org.amct.api.report.HtmlReport} turns a run into one
 * self-contained HTML page (inline SVG, no script, no network) with each decomposed layer's
 * singular-value spectrum and the marks of the rank rule, the parameters and multiply-accumulates
 * before and after, the totals, the backend and the skipped layers. {@link
 * org.amct.api.report.JsonReport} writes the same run as {@code report.json} for programs, with a
 * schema version and totals over the model. Both take a {@link org.amct.api.report.RunSummary}, the
 * package's own record of a run, which {@code DecompositionResult.summary()} builds: this package
 * never reads the entry points' types, so that they stay the top layer of amct-api.
 */
package org.amct.api.report;
