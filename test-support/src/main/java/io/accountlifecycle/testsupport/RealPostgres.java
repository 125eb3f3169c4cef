package io.accountlifecycle.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test (plain or Spring) that runs against a real PostgreSQL. Spring tests get {@code spring.datasource.*}
 * pointing at {@link #database()} as its owner role; put this annotation above {@code @SpringBootTest} so the
 * server outlives every Spring context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealInfrastructureExtension.class)
public @interface RealPostgres {

    /** The database the Spring context connects to; created (owned by {@link #owner()}) if missing. */
    String database() default "accounts";

    /** The owner role the context connects as; its password is its name. */
    String owner() default "account_owner";
}
