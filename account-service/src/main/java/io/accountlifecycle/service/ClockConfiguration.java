package io.accountlifecycle.service;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
class ClockConfiguration {

    /** The one clock the intake reads; tests replace it to control time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
