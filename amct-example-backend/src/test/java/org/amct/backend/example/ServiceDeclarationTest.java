package org.amct.backend.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.amct.spi.ComputeBackendProvider;
import org.junit.jupiter.api.Test;

/** module-info's {@code provides} and META-INF/services name the same provider. */
class ServiceDeclarationTest {
    private static final String SERVICE = ComputeBackendProvider.class.getName();

    @Test
    void moduleDescriptorAndServicesFileAgree() throws IOException, URISyntaxException {
        Path classes =
                Path.of(
                        ExampleBackendProvider.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        ModuleDescriptor descriptor;
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            descriptor = ModuleDescriptor.read(in);
        }
        Set<String> declared =
                descriptor.provides().stream()
                        .filter(p -> p.service().equals(SERVICE))
                        .flatMap(p -> p.providers().stream())
                        .collect(Collectors.toSet());
        List<String> listed =
                Files.readAllLines(classes.resolve("META-INF/services/" + SERVICE)).stream()
                        .map(line -> line.replaceAll("#.*", "").trim())
                        .filter(line -> !line.isEmpty())
                        .collect(Collectors.toList());
        assertEquals(
                Set.of(ExampleBackendProvider.class.getName()), declared, "module-info provides");
        assertEquals(List.of(ExampleBackendProvider.class.getName()), listed, "META-INF/services");
        assertTrue(descriptor.exports().isEmpty(), "a backend module exports no package");
    }
}
