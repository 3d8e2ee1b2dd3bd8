/**
 * The pure-Java CPU backend on EJML: always available, found through {@link
 * java.util.ServiceLoader}. Exports nothing.
 */
module org.amct.backend.ejml {
    requires org.amct.spi;
    requires org.slf4j;
    requires ejml.core;
    requires ejml.ddense;

    provides org.amct.spi.ComputeBackendProvider with
            org.amct.backend.ejml.EjmlBackendProvider;
}
