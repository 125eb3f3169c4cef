package io.accountlifecycle.service.roles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The roles one image plays, each switched by a property (all on by default, as on the embedded default). A role that
 * is off starts none of its processors, consumers, schedulers or endpoints; what every role needs — the event store,
 * command handling, sealing, security, health — is always there. The roles are reported at start-up and under
 * {@code roles} of {@code /actuator/info}.
 */
@Component
public class Roles implements InfoContributor {

    /** {@code /accounts/**} and the admin commands ({@code /admin/purges/pause|resume}, deletion batches, breaker). */
    public static final String HTTP_COMMANDS = "account.http.commands.enabled";
    /** The {@code account.commands} consumer. */
    public static final String KAFKA_INTAKE = "account.kafka.intake.enabled";
    /** The processor that publishes every stored event to {@code account.events}. */
    public static final String EVENT_PUBLICATION = "account.kafka.publication.enabled";
    /** The purge saga, its deadline polling (db-scheduler) and the deletion-batch executor. */
    public static final String DELETION_SAGA = "account.purge.saga.enabled";
    /** The projections' processors, their query API ({@code /analytics/**}, pending purges) and admin endpoints. */
    public static final String PROJECTIONS = "account.projections.enabled";

    private static final Logger log = LoggerFactory.getLogger(Roles.class);
    private static final Map<String, String> PROPERTIES = Map.of(
            "http-commands", HTTP_COMMANDS, "kafka-intake", KAFKA_INTAKE, "event-publication", EVENT_PUBLICATION,
            "deletion-saga", DELETION_SAGA, "projections", PROJECTIONS);
    private static final String[] ORDER = {"http-commands", "kafka-intake", "event-publication", "deletion-saga",
                                           "projections"};

    private final Map<String, Boolean> roles = new LinkedHashMap<>();

    public Roles(Environment environment) {
        for (String role : ORDER) {
            roles.put(role, environment.getProperty(PROPERTIES.get(role), Boolean.class, true));
        }
    }

    /** Role name ({@code http-commands}, …) to whether it runs on this instance. */
    public Map<String, Boolean> all() {
        return Map.copyOf(roles);
    }

    @EventListener(ApplicationReadyEvent.class)
    void report() {
        log.info("Roles on this instance: {}", roles);
    }

    @Override
    public void contribute(Info.Builder builder) {
        builder.withDetail("roles", roles);
    }
}
