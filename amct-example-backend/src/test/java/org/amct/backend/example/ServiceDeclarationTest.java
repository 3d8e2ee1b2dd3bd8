package org.amct.backend.example;

import org.amct.conformance.ServiceDeclarations;
import org.junit.jupiter.api.Test;

/**
 * module-info's {@code provides} and META-INF/services name the same provider; nothing is exported.
 */
class ServiceDeclarationTest {
    @Test
    void moduleInfoAndServicesFileDeclareTheProviderAndExportNothing() {
        ServiceDeclarations.assertDeclaredOnce(ExampleBackendProvider.class);
    }
}
