package io.accountlifecycle.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test (plain or Spring) that runs against a real Kafka broker. Spring tests get {@code spring.kafka.bootstrap-servers};
 * put this annotation above {@code @SpringBootTest} so the broker outlives every Spring context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealInfrastructureExtension.class)
public @interface RealKafka {
}
