package org.amct.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.amct.spi.ComputeBackendProvider;

/**
 * Checks a backend module's declarations: its {@code module-info} {@code provides} the provider,
 * its {@code META-INF/services} file lists the same provider (so it is found on the class path
 * too), and it exports no package. Each backend's tests call {@link #assertDeclaredOnce}.
 */
public final class ServiceDeclarations {
    private static final String SERVICE = ComputeBackendProvider.class.getName();

    private ServiceDeclarations() {}

    /**
     * Asserts that the provider's module declares it exactly as docs/design/STYLE.md asks.
     *
     * @param provider the provider class of the backend under test
     */
    public static void assertDeclaredOnce(Class<? extends ComputeBackendProvider> provider) {
        ModuleDescriptor descriptor = moduleDescriptor(provider);
        List<String> declared =
                descriptor.provides().stream()
                        .filter(p -> p.service().equals(SERVICE))
                        .flatMap(p -> p.providers().stream())
                        .sorted()
                        .toList();
        assertEquals(List.of(provider.getName()), declared, "module-info provides");
        assertEquals(declared, serviceFileProviders(provider), "META-INF/services/" + SERVICE);
        assertTrue(
                descriptor.exports().isEmpty(),
                "a backend module exports no package, found " + descriptor.exports());
    }

    /**
     * The module descriptor compiled next to a class (its {@code module-info.class}).
     *
     * @param inModule a class of the module
     * @return the descriptor
     */
    public static ModuleDescriptor moduleDescriptor(Class<?> inModule) {
        return ModuleDescriptor.read(ByteBuffer.wrap(readBeside(inModule, "module-info.class")));
    }

    /**
     * The providers listed in the {@code META-INF/services} file next to a class, comments and
     * blank lines left out, sorted.
     *
     * @param inModule a class of the module
     * @return the provider class names
     */
    public static List<String> serviceFileProviders(Class<?> inModule) {
        return new String(
                        readBeside(inModule, "META-INF/services/" + SERVICE),
                        StandardCharsets.UTF_8)
                .lines()
                .map(line -> line.replaceFirst("#.*", "").trim())
                .filter(line -> !line.isEmpty())
                .sorted()
                .toList();
    }

    /** Reads a file from the same class-path root (folder or jar) as {@code inModule}. */
    private static byte[] readBeside(Class<?> inModule, String name) {
        URL root = inModule.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader only = new URLClassLoader(new URL[] {root}, null)) {
            URL found = only.findResource(name);
            assertNotNull(found, name + " next to " + inModule.getName() + " in " + root);
            try (InputStream in = found.openStream()) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + name + " from " + root, e);
        }
    }
}
