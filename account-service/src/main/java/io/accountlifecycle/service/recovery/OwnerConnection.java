package io.accountlifecycle.service.recovery;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A restore connects as the owner role, the one the migrations run as: only the owner writes a restore's staging
 * tables and rebuilds the event table's indexes around the bulk load, and the application role gets no grant for
 * either. The owner's credentials are Flyway's ({@code spring.flyway.user}/{@code password}, or the embedded default's
 * owner), wherever they come from; without them (Flyway uses the application's connection) nothing changes.
 */
final class OwnerConnection implements BeanPostProcessor {

    private final BeanFactory beans;

    private OwnerConnection(BeanFactory beans) {
        this.beans = beans;
    }

    /** For a context whose database connection is the owner's. */
    static ApplicationContextInitializer<ConfigurableApplicationContext> initializer() {
        return context -> context.getBeanFactory().addBeanPostProcessor(new OwnerConnection(context.getBeanFactory()));
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String name) {
        if (!(bean instanceof JdbcConnectionDetails application)) {
            return bean;
        }
        return new JdbcConnectionDetails() {
            private FlywayConnectionDetails owner() {
                FlywayConnectionDetails flyway = beans.getBeanProvider(FlywayConnectionDetails.class).getIfAvailable();
                return flyway != null && flyway.getUsername() != null ? flyway : null;
            }

            @Override
            public String getUsername() {
                return owner() != null ? owner().getUsername() : application.getUsername();
            }

            @Override
            public String getPassword() {
                return owner() != null ? owner().getPassword() : application.getPassword();
            }

            @Override
            public String getJdbcUrl() {
                return owner() != null && owner().getJdbcUrl() != null ? owner().getJdbcUrl()
                                                                        : application.getJdbcUrl();
            }

            @Override
            public String getDriverClassName() {
                return application.getDriverClassName();
            }
        };
    }
}
