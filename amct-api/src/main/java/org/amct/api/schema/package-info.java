/**
 * Records that mirror the decomposition-info JSON exactly, and the one codec that reads and writes
 * it. The only package that uses Jackson; opened to Jackson databind only.
 */
package org.amct.api.schema;
