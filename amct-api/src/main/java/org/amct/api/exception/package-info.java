/**
 * The exceptions users catch. All are unchecked and extend {@link
 * org.amct.api.exception.AmctException}; each message says what failed, where (file, layer, field),
 * what was expected and what was found, and what to do next.
 */
package org.amct.api.exception;
