package org.amct.cli.command;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module graph of the whole repository, held twice: by the JPMS descriptors each module
 * compiles ({@code requires}, {@code exports}) and by the classes' actual dependencies (ArchUnit).
 * {@code cli -> {api, onnx}}, {@code onnx -> api} (its public packages, and {@code io} that it is
 * exported to), {@code api -> spi <- backends}; amct-api has no protobuf. Reads each module's
 * {@code target/classes} from the reactor, so it runs after every module was compiled.
 */
class ModuleGraphTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The backends the CLI ships: built before it by any build of it ({@code -am}). */
    private static final List<String> BACKENDS =
            List.of("backend-ejml-cpu", "backend-openblas-cpu", "backend-aparapi");

    /**
     * Backends no module here depends on: checked when the reactor compiled them (a full build
     * does, before amct-cli), left out of a targeted {@code -pl amct-cli -am} build. ND4J has no
     * module descriptor (its jars need the class path), so only its classes are checked.
     */
    private static final List<String> OTHER_BACKENDS =
            List.of("amct-example-backend", "backend-nd4j-cuda");

    private static JavaClasses classes;

    @BeforeAll
    static void importEveryModule() {
        List<String> modules =
                new java.util.ArrayList<>(List.of("amct-spi", "amct-api", "amct-onnx", "amct-cli"));
        modules.addAll(BACKENDS);
        List<Path> paths =
                new java.util.ArrayList<>(
                        modules.stream().map(ModuleGraphTest::classesOf).toList());
        for (String other : OTHER_BACKENDS) {
            Path path = ROOT.resolve(other).resolve("target").resolve("classes");
            if (Files.isDirectory(path)) {
                paths.add(path);
            }
        }
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPaths(paths);
    }

    private static Path classesOf(String module) {
        Path path = ROOT.resolve(module).resolve("target").resolve("classes");
        assertTrue(
                Files.isRegularFile(path.resolve("module-info.class")),
                path + " has no module-info.class: compile the module first");
        return path;
    }

    private static ModuleDescriptor descriptor(String module) throws IOException {
        try (InputStream in =
                Files.newInputStream(classesOf(module).resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    private static Set<String> requiredAmctModules(ModuleDescriptor descriptor) {
        return descriptor.requires().stream()
                .map(ModuleDescriptor.Requires::name)
                .filter(name -> name.startsWith("org.amct."))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void importedEveryModule() {
        for (String name :
                List.of(
                        "org.amct.spi.ComputeBackend",
                        "org.amct.api.TensorDecompose",
                        "org.amct.onnx.OnnxModel",
                        "org.amct.cli.Main",
                        "org.amct.backend.ejml.EjmlBackendProvider")) {
            assertTrue(classes.contain(name), name + " was not imported");
        }
    }

    @Test
    void jpmsRequiresFormTheGraph() throws IOException {
        assertEquals(Set.of(), requiredAmctModules(descriptor("amct-spi")), "amct-spi");
        assertEquals(Set.of("org.amct.spi"), requiredAmctModules(descriptor("amct-api")));
        assertEquals(Set.of("org.amct.api"), requiredAmctModules(descriptor("amct-onnx")));
        assertEquals(
                Set.of("org.amct.api", "org.amct.onnx"),
                requiredAmctModules(descriptor("amct-cli")));
        List<String> described = new java.util.ArrayList<>(BACKENDS);
        if (Files.isRegularFile(
                ROOT.resolve("amct-example-backend/target/classes/module-info.class"))) {
            described.add("amct-example-backend");
        }
        for (String backend : described) {
            assertEquals(Set.of("org.amct.spi"), requiredAmctModules(descriptor(backend)), backend);
            assertEquals(Set.of(), descriptor(backend).exports(), backend + " exports no package");
        }
    }

    @Test
    void amctApiHasNoProtobuf() throws IOException {
        assertFalse(
                descriptor("amct-api").requires().stream()
                        .anyMatch(r -> r.name().startsWith("com.google.protobuf")),
                "amct-api requires protobuf");
        noClasses()
                .that()
                .resideInAPackage("org.amct.api..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.google.protobuf..")
                .because("the ONNX codec and its protobuf live in amct-onnx")
                .check(classes);
    }

    @Test
    void theSpiDependsOnNoOtherModule() {
        noClasses()
                .that()
                .resideInAPackage("org.amct.spi..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.amct.api..", "org.amct.onnx..", "org.amct.cli..", "org.amct.backend..")
                .check(classes);
    }

    @Test
    void backendsSeeOnlyTheSpiAndNotEachOther() {
        noClasses()
                .that()
                .resideInAPackage("org.amct.backend..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.amct.api..", "org.amct.onnx..", "org.amct.cli..")
                .because("api -> spi <- backends")
                .check(classes);
        slices().matching("org.amct.backend.(*)..").should().notDependOnEachOther().check(classes);
    }

    @Test
    void theApiNamesNoBackendNorItsUsers() {
        noClasses()
                .that()
                .resideInAPackage("org.amct.api..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.amct.onnx..", "org.amct.cli..", "org.amct.backend..")
                .because("api -> spi; backends are found through ServiceLoader")
                .check(classes);
    }

    @Test
    void onnxUsesOnlyWhatTheApiExportsToIt() throws IOException {
        String[] internal = apiPackagesNotExportedTo("org.amct.onnx");
        assertTrue(internal.length > 0, "amct-api has internal packages");
        noClasses()
                .that()
                .resideInAPackage("org.amct.onnx..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(internal)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage("org.amct.cli..", "org.amct.backend..")
                .because("onnx -> api, through its exported packages")
                .check(classes);
    }

    @Test
    void cliUsesOnlyWhatTheApiExportsToIt() throws IOException {
        noClasses()
                .that()
                .resideInAPackage("org.amct.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(apiPackagesNotExportedTo("org.amct.cli"))
                .orShould()
                .dependOnClassesThat()
                .resideInAPackage("org.amct.backend..")
                .because("cli -> {api, onnx}, through their exported packages")
                .check(classes);
    }

    /** The packages of amct-api that its descriptor does not export to {@code module}. */
    private static String[] apiPackagesNotExportedTo(String module) throws IOException {
        ModuleDescriptor api = descriptor("amct-api");
        Set<String> visible =
                api.exports().stream()
                        .filter(e -> !e.isQualified() || e.targets().contains(module))
                        .map(ModuleDescriptor.Exports::source)
                        .collect(Collectors.toSet());
        return classes.stream()
                .map(JavaClass::getPackageName)
                .filter(p -> p.equals("org.amct.api") || p.startsWith("org.amct.api."))
                .filter(p -> !visible.contains(p))
                .distinct()
                .sorted()
                .toArray(String[]::new);
    }
}
