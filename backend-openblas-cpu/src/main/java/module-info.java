/**
 * The OpenBLAS compute backend: native LAPACK on the CPU through JavaCPP's OpenBLAS presets. It
 * exports nothing; {@link java.util.ServiceLoader} finds its provider.
 *
 * <p>The native libraries ship in the platform jars ({@code org.bytedeco:openblas} and {@code
 * org.bytedeco:javacpp} with classifier {@code linux-x86_64}). On the module path those jars are
 * modules ({@code org.bytedeco.openblas.linux.x86_64}, {@code org.bytedeco.javacpp.linux.x86_64})
 * that nothing requires, so an application adds them to the module graph itself, for example with
 * {@code --add-modules ALL-MODULE-PATH}, or puts them on the class path. Without them the
 * provider's probe reports the backend unavailable and says so.
 */
module org.amct.backend.openblas {
    requires org.amct.spi;
    requires org.slf4j;
    requires org.bytedeco.javacpp;
    requires org.bytedeco.openblas;

    provides org.amct.spi.ComputeBackendProvider with
            org.amct.backend.openblas.OpenBlasBackendProvider;
}
