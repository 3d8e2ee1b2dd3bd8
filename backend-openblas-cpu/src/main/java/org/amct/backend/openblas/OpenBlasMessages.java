package org.amct.backend.openblas;

/**
 * The texts users read when the OpenBLAS backend cannot run: what failed to load and what to do.
 * Pure functions; thread-safe.
 */
final class OpenBlasMessages {
    private OpenBlasMessages() {}

    /**
     * Why the backend is unavailable.
     *
     * @param failure what loading the library threw
     * @return for example {@code "the OpenBLAS native library (libjniopenblas.so, libopenblas.so.0)
     *     could not be loaded for platform linux-x86_64: java.lang.UnsatisfiedLinkError: ..."}
     */
    static String loadFailure(Throwable failure) {
        String platform = OpenBlasLibrary.currentPlatform();
        return "the OpenBLAS native library ("
                + nativeLibraryNames(platform)
                + ") could not be loaded for platform "
                + platform
                + ": "
                + failure;
    }

    /**
     * What the user can do about it.
     *
     * @return the hint, naming the platform jars and their JPMS module names
     */
    static String hint() {
        String platform = OpenBlasLibrary.currentPlatform();
        String bundled =
                platform.equals(OpenBlasLibrary.BUNDLED_PLATFORM)
                        ? ""
                        : "This build bundles OpenBLAS for "
                                + OpenBlasLibrary.BUNDLED_PLATFORM
                                + " only. ";
        String modules = platform.replace('-', '.');
        return bundled
                + "Put the jars org.bytedeco:openblas and org.bytedeco:javacpp with classifier "
                + platform
                + " on the class path, or on the module path with --add-modules"
                + " org.bytedeco.openblas."
                + modules
                + ",org.bytedeco.javacpp."
                + modules
                + "; make sure JavaCPP's cache (~/.javacpp/cache, or"
                + " -Dorg.bytedeco.javacpp.cachedir) is writable; or choose another backend,"
                + " for example --backend ejml.";
    }

    private static String nativeLibraryNames(String platform) {
        if (platform.startsWith("windows")) {
            return "jniopenblas.dll, libopenblas.dll";
        }
        if (platform.startsWith("macosx")) {
            return "libjniopenblas.dylib, libopenblas.0.dylib";
        }
        return "libjniopenblas.so, libopenblas.so.0";
    }
}
