/**
 * File formats for weights: {@link org.amct.api.format.Safetensors} reads and writes state dicts in
 * the safetensors format, with the parameter names PyTorch uses, so a PyTorch user can {@code
 * load_state_dict} them.
 */
package org.amct.api.format;
