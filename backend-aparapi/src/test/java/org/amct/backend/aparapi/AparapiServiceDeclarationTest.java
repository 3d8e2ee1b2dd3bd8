package org.amct.backend.aparapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import org.amct.conformance.ServiceDeclarations;
import org.junit.jupiter.api.Test;

class AparapiServiceDeclarationTest {

    @Test
    void moduleInfoAndServicesFileDeclareTheProviderAndExportNothing() {
        ServiceDeclarations.assertDeclaredOnce(AparapiBackendProvider.class);
    }

    @Test
    void moduleOpensOnlyTheKernelPackageAndOnlyToAparapi() {
        ModuleDescriptor descriptor =
                ServiceDeclarations.moduleDescriptor(AparapiBackendProvider.class);
        assertEquals(1, descriptor.opens().size(), descriptor.opens().toString());
        ModuleDescriptor.Opens opens = descriptor.opens().iterator().next();
        assertEquals("org.amct.backend.aparapi.kernel", opens.source());
        assertEquals(Set.of("aparapi"), opens.targets());
    }
}
