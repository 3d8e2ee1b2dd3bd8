package org.amct.backend.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.amct.spi.ComputeBackendProvider;
import org.junit.jupiter.api.Test;

class OpenBlasServiceDeclarationTest {
    private static final String SERVICE = ComputeBackendProvider.class.getName();

    @Test
    void moduleInfoAndMetaInfServicesDeclareTheSameProvider() throws IOException {
        assertEquals(List.of(OpenBlasBackendProvider.class.getName()), moduleProviders());
        assertEquals(moduleProviders(), serviceFileProviders());
    }

    @Test
    void moduleExportsNothing() throws IOException {
        assertTrue(moduleDescriptor().exports().isEmpty());
    }

    private static ModuleDescriptor moduleDescriptor() throws IOException {
        try (InputStream in =
                OpenBlasBackendProvider.class.getResourceAsStream("/module-info.class")) {
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
        try (InputStream in = OpenBlasBackendProvider.class.getResourceAsStream(path)) {
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
