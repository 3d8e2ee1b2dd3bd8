package org.amct.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.amct.spi.ComputeBackendProvider;
import org.junit.jupiter.api.Test;

/**
 * This backend is a class-path jar: META-INF/services is its only declaration, so check it names
 * the provider, that the provider is loadable by ServiceLoader, and that no module-info crept in
 * (ND4J cannot be required from a named module).
 */
class Nd4jServiceDeclarationTest {
    private static final String SERVICE = ComputeBackendProvider.class.getName();

    @Test
    void metaInfServicesNamesTheProvider() throws IOException {
        assertEquals(List.of(Nd4jBackendProvider.class.getName()), serviceFileProviders());
    }

    @Test
    void providerIsAPublicFinalServiceWithAPublicNoArgConstructor()
            throws ReflectiveOperationException {
        Class<?> provider = Nd4jBackendProvider.class;
        assertTrue(ComputeBackendProvider.class.isAssignableFrom(provider));
        assertTrue(Modifier.isPublic(provider.getModifiers()));
        assertTrue(Modifier.isFinal(provider.getModifiers()));
        assertTrue(Modifier.isPublic(provider.getConstructor().getModifiers()));
    }

    @Test
    void serviceLoaderFindsTheProviderOnTheClassPath() {
        List<String> found =
                ServiceLoader.load(ComputeBackendProvider.class).stream()
                        .map(ServiceLoader.Provider::type)
                        .map(Class::getName)
                        .collect(Collectors.toList());
        assertTrue(found.contains(Nd4jBackendProvider.class.getName()), found.toString());
    }

    @Test
    void hasNoModuleDescriptor() throws IOException, URISyntaxException {
        Path location =
                Path.of(
                        Nd4jBackendProvider.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        if (Files.isDirectory(location)) {
            assertFalse(Files.exists(location.resolve("module-info.class")), location.toString());
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                assertEquals(null, jar.getEntry("module-info.class"), location.toString());
            }
        }
    }

    private static List<String> serviceFileProviders() throws IOException {
        String path = "/META-INF/services/" + SERVICE;
        try (InputStream in = Nd4jBackendProvider.class.getResourceAsStream(path)) {
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
