// tag::module[]
/**
 * An example compute backend for amct: the Gram matrix and the cyclic Jacobi eigenvalue method, in
 * plain Java. It is the template of the vendor guide (docs/backends.md): a module that needs only
 * the SPI, exports nothing, and is found by {@link java.util.ServiceLoader}.
 */
module org.amct.backend.example {
    requires org.amct.spi;

    provides org.amct.spi.ComputeBackendProvider with
            org.amct.backend.example.ExampleBackendProvider;
}
// end::module[]
