package org.amct.api.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.amct.api.exception.NoUsableBackendException;
import org.amct.spi.BackendId;
import org.junit.jupiter.api.Test;

/** A backend forced from the environment that cannot be used is blamed on that setting. */
class BackendRequestTest {
    private static final BackendCatalog CATALOG = BackendCatalog.discover();

    @Test
    void anUnknownIdFromTheVariableNamesTheVariable() {
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class,
                        () ->
                                BackendRequest.select(
                                        CATALOG,
                                        Optional.empty(),
                                        Map.<String, String>of()::get,
                                        Map.of("AMCT_BACKEND", "nosuch")::get));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "The backend comes from the environment variable"
                                        + " AMCT_BACKEND=nosuch: Unknown backend 'nosuch'"),
                e.getMessage());
    }

    @Test
    void anUnknownIdFromThePropertyNamesTheProperty() {
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class,
                        () ->
                                BackendRequest.select(
                                        CATALOG,
                                        Optional.empty(),
                                        Map.of("amct.backend", "ghost")::get,
                                        Map.of("AMCT_BACKEND", "nosuch")::get));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "The backend comes from the system property"
                                        + " -Damct.backend=ghost: Unknown backend 'ghost'"),
                e.getMessage());
    }

    @Test
    void anExplicitIdIsNotBlamedOnTheEnvironment() {
        NoUsableBackendException e =
                assertThrows(
                        NoUsableBackendException.class,
                        () ->
                                BackendRequest.select(
                                        CATALOG,
                                        Optional.of(BackendId.of("ghost")),
                                        Map.<String, String>of()::get,
                                        Map.of("AMCT_BACKEND", "nosuch")::get));
        assertTrue(e.getMessage().startsWith("Unknown backend 'ghost'"), e.getMessage());
    }
}
