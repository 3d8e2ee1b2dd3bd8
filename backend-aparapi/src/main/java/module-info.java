/**
 * The Aparapi compute backend: the heavy steps of the factorization (the Gram matrix {@code A A^T},
 * a parallel cyclic Jacobi eigen-solver on it, and the projection {@code P^T A}) run as OpenCL
 * kernels in float64, written in Java with Aparapi. It prefers a GPU; a CPU OpenCL driver such as
 * PoCL is used only when the backend is forced. It exports nothing; {@link java.util.ServiceLoader}
 * finds its provider.
 *
 * <p>Aparapi reads the kernel classes' bytecode and fields by reflection, so their package is
 * opened to Aparapi's automatic module ({@code aparapi}) and to nothing else. The OpenCL runtime
 * itself ({@code libOpenCL.so.1} and a driver) comes from the system; without it the provider's
 * probe reports the backend unavailable and says what to install.
 */
module org.amct.backend.aparapi {
    requires org.amct.spi;
    requires org.slf4j;
    requires aparapi;
    requires aparapi.jni;
    // Aparapi reports why a kernel left its device only through java.util.logging.
    requires java.logging;

    opens org.amct.backend.aparapi.kernel to
            aparapi;

    provides org.amct.spi.ComputeBackendProvider with
            org.amct.backend.aparapi.AparapiBackendProvider;
}
