package io.accountlifecycle.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Starts the shared servers a test class asks for ({@link RealPostgres}, {@link RealKafka}) before its first test,
 * and stops them through JUnit's root store, which closes after every test and cached Spring context is done.
 */
public class RealInfrastructureExtension implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        if (AnnotatedElementUtils.hasAnnotation(testClass, RealPostgres.class)) {
            TestInfrastructure.postgres();
        }
        if (AnnotatedElementUtils.hasAnnotation(testClass, RealKafka.class)) {
            TestInfrastructure.kafka();
        }
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
               .computeIfAbsent(RealInfrastructureExtension.class, key -> (AutoCloseable) TestInfrastructure::stopAll,
                                AutoCloseable.class);
    }
}
