package org.amct.backend.nd4j;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What ND4J has put on the class path and what it needs from the JDK's module graph, found by
 * resource and module look-ups that load no ND4J class, run no static initialiser and touch no
 * native library, so that {@link Nd4jBackendProvider#descriptor()} and the first step of its probe
 * stay cheap when ND4J is absent. Pure functions; thread-safe.
 */
final class Nd4jClassPath {
    /** The class whose presence means "ND4J's API is on the class path" ({@code nd4j-api}). */
    static final String ND4J_API_CLASS = "org/nd4j/linalg/factory/Nd4j.class";

    /**
     * Where the {@code nd4j-cuda-*} jars keep ND4J's CUDA backend class: the first is the
     * 1.0.0-M2.1 location, the second the one later releases moved it to.
     */
    static final List<String> CUDA_BACKEND_CLASSES =
            List.of(
                    "org/nd4j/linalg/jcublas/JCublasBackend.class",
                    "org/nd4j/linalg/jcublas/backend/JCublasBackend.class");

    /**
     * The JDK modules ND4J needs in the module graph: JavaCPP 1.5.7 reads and writes ND4J's buffers
     * through {@code sun.misc.Unsafe} from {@code jdk.unsupported}. A class-path-only application
     * has it (the default root modules include it); an application launched as a named module
     * ({@code java -m}) has it only if something requires it or {@code --add-modules} adds it.
     */
    static final List<String> REQUIRED_JDK_MODULES = List.of("jdk.unsupported");

    private Nd4jClassPath() {}

    /**
     * The modules of {@link #REQUIRED_JDK_MODULES} that this JVM's boot layer lacks.
     *
     * @return the missing module names, empty when all are there
     */
    static List<String> missingJdkModules() {
        return REQUIRED_JDK_MODULES.stream()
                .filter(name -> ModuleLayer.boot().findModule(name).isEmpty())
                .collect(Collectors.toList());
    }

    /**
     * Whether ND4J's API can be loaded through {@code loader}.
     *
     * @param loader the class loader that would load ND4J for this backend
     * @return {@code true} if {@value #ND4J_API_CLASS} is visible to it
     */
    static boolean hasNd4j(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        return loader.getResource(ND4J_API_CLASS) != null;
    }

    /**
     * Whether ND4J's CUDA backend ({@code nd4j-cuda-*}) is on the class path. It says nothing about
     * whether a CUDA device or the CUDA libraries are there; the probe finds that out.
     *
     * @param loader the class loader that would load ND4J for this backend
     * @return {@code true} if one of {@link #CUDA_BACKEND_CLASSES} is visible to it
     */
    static boolean hasCudaBackend(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        return CUDA_BACKEND_CLASSES.stream().anyMatch(name -> loader.getResource(name) != null);
    }
}
