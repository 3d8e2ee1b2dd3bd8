/**
 * The compute-backend contract of amct: what a backend must offer so that the decomposition core
 * can factorize a layer's matrix on it.
 *
 * <p>A vendor implements {@link org.amct.spi.ComputeBackendProvider} in its own module and declares
 * it with {@code provides org.amct.spi.ComputeBackendProvider with ...} (and a {@code
 * META-INF/services} entry for the class path). This module depends on nothing but {@code
 * java.base}.
 */
module org.amct.spi {
    exports org.amct.spi;
}
