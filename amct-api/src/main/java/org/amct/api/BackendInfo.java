package org.amct.api;

/**
 * The backend a run used.
 *
 * @param id its id, for example {@code "ejml"}
 * @param displayName its name, for example {@code "EJML (pure Java)"}
 * @param device the device it computed on
 * @param forced whether the user asked for it
 */
public record BackendInfo(String id, String displayName, String device, boolean forced) {}
