/**
 * File helpers shared by the writers of the API: atomic replacement of one file or of a set of
 * files. Exported to the CLI only, which writes its outputs through them too.
 */
package org.amct.api.io;
