package io.accountlifecycle.service;

import io.accountlifecycle.testsupport.KafkaServer;
import io.accountlifecycle.testsupport.RealInfrastructureContextCustomizerFactory;
import io.accountlifecycle.testsupport.TestInfrastructure;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/** Whole service instances, started and stopped by a test, on the shared test PostgreSQL and broker. */
public final class ServiceInstances {

    private ServiceInstances() {
    }

    /**
     * The service in a context of its own on {@code database}, in consumer group {@code group} so it never takes
     * partitions from another test's contexts.
     */
    public static ConfigurableApplicationContext start(String database, String group, String... extra) {
        return startOn(TestInfrastructure.kafka(), database, group, extra);
    }

    /** As {@link #start}, on the broker {@code kafka}. */
    public static ConfigurableApplicationContext startOn(KafkaServer kafka, String database, String group,
                                                         String... extra) {
        return new SpringApplicationBuilder(AccountServiceApplication.class)
                .run(arguments(kafka, database, group, extra).toArray(String[]::new));
    }

    /** The command-line arguments that put the service on {@code database} and {@code kafka}. */
    public static List<String> arguments(KafkaServer kafka, String database, String group, String... extra) {
        Map<String, Object> properties = new HashMap<>();
        properties.putAll(RealInfrastructureContextCustomizerFactory.datasourceProperties(database, "account_owner"));
        properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        properties.put("spring.kafka.consumer.group-id", group);
        properties.put("server.port", "0");
        List<String> args = new ArrayList<>(List.of(RealInfrastructureContextCustomizerFactory.asArguments(properties)));
        args.addAll(List.of(extra));
        return args;
    }

    /** SQL on {@code database} as its owner, as an operator with psql: what tests check behind the service's back. */
    public static JdbcTemplate owner(String database) {
        String url = (String) RealInfrastructureContextCustomizerFactory.datasourceProperties(database, "account_owner")
                                                                        .get("spring.datasource.url");
        return new JdbcTemplate(new DriverManagerDataSource(url, "account_owner", "account_owner"));
    }

    /** A client of the instance with a token for every scope, subject {@code test-user}. */
    public static HttpJson http(ConfigurableApplicationContext context) {
        return http(context, "test-user", TestTokens.ALL_SCOPES.toArray(String[]::new));
    }

    /** A client of the instance with a token for {@code subject} and only {@code scopes}. */
    public static HttpJson http(ConfigurableApplicationContext context, String subject, String... scopes) {
        return new HttpJson(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")))
                .withToken(TestTokens.mint(context, subject, List.of(scopes)));
    }

    /** Waits until the account summary (what a bulk-deletion preview reads) shows each account with its activity. */
    public static void awaitSummaries(JdbcTemplate jdbc, List<UUID> ids) {
        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> jdbc.queryForObject(
                "select count(*) from projection.account_summary where account_id = ? and last_activity_at is not null",
                Integer.class, id) == 1));
    }
}
