package io.accountlifecycle.service.schema;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;

import java.time.Duration;
import java.time.Instant;

/**
 * Holds a service started without the owner's credentials ({@link OwnerCredentials}) until the database's schema is
 * at least the newest migration it carries, as a rolling release's pods do while the migration Job runs.
 * <p>
 * It waits in front of the Spring context, as soon as the configuration is read: the context's processors,
 * scheduler and projections need the schema the moment they start. Waiting inside the context would leave no port
 * for the probes, so Kubernetes would restart the pod again and again (a crash loop) for as long as the migration
 * takes or has not been run. Here the process stays up, answers liveness, answers readiness {@code 503} with the
 * reason ({@link ProbeServer}), logs that reason, and checks again every few seconds. Once the schema is current
 * (or newer: an image rolled back must start) the context starts, and the probes keep their answers until the
 * service's own web server takes over the ports.
 */
public final class SchemaGate implements ApplicationListener<SpringApplicationEvent> {

    private static final Logger log = LoggerFactory.getLogger(SchemaGate.class);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(5);
    /** No tighter loop of schema checks than this, whatever is configured. */
    private static final Duration MIN_CHECK_EVERY = Duration.ofMillis(100);
    private static final Duration LOG_AGAIN_AFTER = Duration.ofMinutes(1);

    private volatile ProbeServer probes;

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            awaitSchema(prepared.getEnvironment());
        } else if (event instanceof ApplicationPreparedEvent prepared && probes != null) {
            prepared.getApplicationContext().getBeanFactory().registerSingleton("schemaGateHandOver", new HandOver());
        } else if (event instanceof ApplicationFailedEvent || event instanceof ApplicationReadyEvent) {
            closeProbes();
        }
    }

    private void awaitSchema(ConfigurableEnvironment environment) {
        if (OwnerCredentials.configured(environment)) {
            return;
        }
        SchemaCheck check = SchemaCheck.of(environment);
        Duration checkEvery = max(environment.getProperty("account.schema.check-interval", Duration.class, CHECK_EVERY),
                                  MIN_CHECK_EVERY);
        SchemaState state = check.check();
        if (!state.ready()) {
            probes = ProbeServer.start(environment, state.message());
            String logged = state.message();
            Instant loggedAt = Instant.now();
            log.warn(logged);
            while (true) {
                pause(checkEvery);
                state = check.check();
                if (state.ready()) {
                    break;
                }
                probes.reason(state.message());
                if (!state.message().equals(logged) || Instant.now().isAfter(loggedAt.plus(LOG_AGAIN_AFTER))) {
                    logged = state.message();
                    loggedAt = Instant.now();
                    log.warn(logged);
                }
            }
            probes.reason("Starting: " + state.message());
        }
        if (state.newer()) {
            log.warn(state.message());
        } else {
            log.info(state.message());
        }
    }

    private static Duration max(Duration configured, Duration floor) {
        return configured.compareTo(floor) < 0 ? floor : configured;
    }

    private void pause(Duration checkEvery) {
        try {
            Thread.sleep(checkEvery.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeProbes();
            throw new IllegalStateException("Interrupted while waiting for the database schema", e);
        }
    }

    private void closeProbes() {
        ProbeServer open = probes;
        probes = null;
        if (open != null) {
            open.close();
        }
    }

    /** Frees the ports just before the service's web server binds them, so the probes never go unanswered. */
    private final class HandOver implements SmartLifecycle {

        private volatile boolean running;

        @Override
        public void start() {
            closeProbes();
            running = true;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1;
        }
    }
}
