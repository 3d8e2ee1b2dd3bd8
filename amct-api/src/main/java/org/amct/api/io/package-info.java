/** File helpers shared by the readers and writers of the API (not exported). */
package org.amct.api.io;
