package org.amct.cli.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version of the build, which Maven writes into {@code version.properties} next to this class:
 * what {@code --version} prints on every command, and what the reports name.
 */
final class AmctVersion implements IVersionProvider {
    private static final String VERSION = load();

    /**
     * The build's version.
     *
     * @return for example {@code 0.1.0-SNAPSHOT}
     */
    static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = AmctVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException(
                        "version.properties is missing from the amct-cli jar (a broken build)");
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "");
            if (version.isBlank() || version.startsWith("${")) {
                throw new IllegalStateException(
                        "version.properties was not filtered by the build: '" + version + "'");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read amct's version.properties", e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "amct " + VERSION,
            "Java "
                    + System.getProperty("java.version")
                    + " ("
                    + System.getProperty("java.vm.name")
                    + ") on "
                    + System.getProperty("os.name")
                    + " "
                    + System.getProperty("os.arch")
        };
    }
}
