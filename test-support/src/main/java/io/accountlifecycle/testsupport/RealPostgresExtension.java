package io.accountlifecycle.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the shared PostgreSQL before the first test class that needs it, and stops it through JUnit's root store,
 * which closes after every test and every cached Spring context has finished with it.
 */
public class RealPostgresExtension implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        TestInfrastructure.postgres();
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
               .getOrComputeIfAbsent(RealPostgresExtension.class, key -> (AutoCloseable) TestInfrastructure::stopAll,
                                     AutoCloseable.class);
    }
}
