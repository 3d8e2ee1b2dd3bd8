package org.amct.api.backend;

import java.util.Objects;

/**
 * A backend provider that could not even say what it is: its class was not found or not
 * instantiable, its constructor threw, its {@code descriptor()} threw or returned null, or it
 * shares its id with another provider. It is listed, with the reason, and never chosen.
 *
 * @param providerClass the provider's class name, as named by its declaration ({@code provides ...
 *     with} or {@code META-INF/services}), or {@code "unknown provider"} when the failure names
 *     none
 * @param reason what failed, for example {@code "constructor threw IllegalStateException: boom"}
 */
public record ProviderFault(String providerClass, String reason) {
    /**
     * Checks that both texts are present.
     *
     * @param providerClass the provider's class name
     * @param reason what failed
     */
    public ProviderFault {
        Objects.requireNonNull(providerClass, "providerClass");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * One line, as {@code amct backends} and the selection errors print it.
     *
     * @return {@code "unavailable: <class>: <reason>"}
     */
    public String describe() {
        return "unavailable: " + providerClass + ": " + reason;
    }
}
