package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the {@code ./amct} launcher builds: a copy of the script runs in a scratch repository with a
 * stand-in {@code mvn} (which records its arguments, takes a while, fails if a second copy runs at
 * the same time, and makes the jar and {@code target/lib}) and a stand-in {@code java}. Two first
 * runs started together must build once, one after the other, with {@code package} in the reactor
 * (never {@code install}, which would write this project into {@code ~/.m2}), and both run.
 */
class LauncherBuildTest {
    @TempDir Path temp;

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void twoFirstRunsBuildOnceWithPackageAndBothRun() throws Exception {
        Path root = Files.createDirectories(temp.resolve("repo"));
        Files.copy(Path.of("..", "amct"), root.resolve("amct"));
        Files.setPosixFilePermissions(
                root.resolve("amct"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(root.resolve("amct-cli/src/main/java"));
        Files.writeString(root.resolve("amct-cli/src/main/java/Main.java"), "class Main {}");
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path log = temp.resolve("mvn.log");
        executable(
                bin.resolve("mvn"),
                """
                #!/usr/bin/env bash
                set -e
                log="%s"
                if ! mkdir "$log.running" 2>/dev/null; then
                    echo "two builds at once" >> "$log"; exit 7
                fi
                echo "mvn $*" >> "$log"
                sleep 2
                mkdir -p amct-cli/target/lib
                touch amct-cli/target/amct-cli-0.1.0-SNAPSHOT.jar
                rmdir "$log.running"
                """
                        .formatted(log));
        executable(bin.resolve("java"), "#!/usr/bin/env bash\necho \"java ran: $*\"\n");

        List<Process> runs = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Path output = temp.resolve("run" + i + ".txt");
                ProcessBuilder builder =
                        new ProcessBuilder(root.resolve("amct").toString(), "backends")
                                .directory(root.toFile())
                                .redirectErrorStream(true)
                                .redirectOutput(output.toFile());
                builder.environment().put("PATH", bin + ":" + builder.environment().get("PATH"));
                builder.environment().remove("AMCT_SKIP_BUILD");
                builder.environment().remove("AMCT_WITH_ND4J");
                runs.add(builder.start());
                outputs.add(output);
            }
            for (int i = 0; i < runs.size(); i++) {
                assertTrue(runs.get(i).waitFor(60, TimeUnit.SECONDS), "run " + i + " hangs");
                String output = Files.readString(outputs.get(i));
                assertEquals(0, runs.get(i).exitValue(), output);
                assertTrue(output.contains("java ran: "), output);
                assertTrue(output.contains("-m org.amct.cli/org.amct.cli.Main backends"), output);
            }
        } finally {
            runs.forEach(Process::destroyForcibly);
        }
        List<String> builds = Files.readAllLines(log);
        assertEquals(1, builds.size(), "one build, and never two at once: " + builds);
        String build = builds.get(0);
        assertTrue(build.contains(" package -pl amct-cli -am"), build);
        assertFalse(build.contains("install"), build);
        assertTrue(
                Files.readString(outputs.get(0)).contains("waiting for another amct")
                        || Files.readString(outputs.get(1)).contains("waiting for another amct"),
                "the second run says it waits");
    }
}
