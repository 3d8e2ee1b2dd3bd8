package org.amct.backend.aparapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.amct.spi.ComputeBackendProvider;
import org.junit.jupiter.api.Test;

class AparapiServiceDeclarationTest {
    private static final String SERVICE = ComputeBackendProvider.class.getName();

    @Test
    void moduleInfoAndMetaInfServicesDeclareTheSameProvider() throws IOException {
        assertEquals(List.of(AparapiBackendProvider.class.getName()), moduleProviders());
        assertEquals(moduleProviders(), serviceFileProviders());
    }

    @Test
    void moduleExportsNothing() throws IOException {
        assertTrue(moduleDescriptor().exports().isEmpty());
    }

    @Test
    void moduleOpensOnlyTheKernelPackageAndOnlyToAparapi() throws IOException {
        ModuleDescriptor descriptor = moduleDescriptor();
        assertEquals(1, descriptor.opens().size(), descriptor.opens().toString());
        ModuleDescriptor.Opens opens = descriptor.opens().iterator().next();
        assertEquals("org.amct.backend.aparapi.kernel", opens.source());
        assertEquals(Set.of("aparapi"), opens.targets());
    }

    private static ModuleDescriptor moduleDescriptor() throws IOException {
        try (InputStream in =
                AparapiBackendProvider.class.getResourceAsStream("/module-info.class")) {
            assertNotNull(in, "module-info.class");
            return ModuleDescriptor.read(in);
        }
    }

    private static List<String> moduleProviders() throws IOException {
        return moduleDescriptor().provides().stream()
                .filter(provides -> provides.service().equals(SERVICE))
                .flatMap(provides -> provides.providers().stream())
                .sorted()
                .collect(Collectors.toList());
    }

    private static List<String> serviceFileProviders() throws IOException {
        String path = "/META-INF/services/" + SERVICE;
        try (InputStream in = AparapiBackendProvider.class.getResourceAsStream(path)) {
            assertNotNull(in, path);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines()
                    .map(line -> line.replaceFirst("#.*", "").trim())
                    .filter(line -> !line.isEmpty())
                    .sorted()
                    .collect(Collectors.toList());
        }
    }
}
