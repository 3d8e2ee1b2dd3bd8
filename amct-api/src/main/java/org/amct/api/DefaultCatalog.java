package org.amct.api;

import org.amct.api.backend.BackendCatalog;

/**
 * The catalog behind {@link TensorDecompose}'s static methods: the backends this module's service
 * loader finds, discovered on first use and then kept, so that each is probed at most once per JVM.
 */
final class DefaultCatalog {
    private DefaultCatalog() {}

    /** Initialised on first use (the holder idiom), so loading this class discovers nothing. */
    private static final class Holder {
        static final BackendCatalog CATALOG = BackendCatalog.discover();
    }

    static BackendCatalog get() {
        return Holder.CATALOG;
    }
}
