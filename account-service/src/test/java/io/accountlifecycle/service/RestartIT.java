package io.accountlifecycle.service;

import io.accountlifecycle.testsupport.RealPostgres;
import io.accountlifecycle.testsupport.RealPostgresContextCustomizerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static org.assertj.core.api.Assertions.assertThat;

/** Stopping the service and starting another instance on the same database loses nothing. */
@RealPostgres(database = "accounts_restart")
class RestartIT {

    static ConfigurableApplicationContext start() {
        var datasource = RealPostgresContextCustomizerFactory.datasourceProperties("accounts_restart",
                                                                                   "account_owner");
        return new SpringApplicationBuilder(AccountServiceApplication.class)
                .run("--server.port=0",
                     "--spring.datasource.url=" + datasource.get("spring.datasource.url"),
                     "--spring.datasource.username=" + datasource.get("spring.datasource.username"),
                     "--spring.datasource.password=" + datasource.get("spring.datasource.password"));
    }

    static HttpJson http(ConfigurableApplicationContext context) {
        return new HttpJson(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    @Test
    void aSecondInstanceOnTheSameDatabaseSeesEveryAccountAndItsHistory() {
        UUID id = UUID.randomUUID();
        JsonNode stateBefore;
        JsonNode historyBefore;
        try (var first = start()) {
            HttpJson http = http(first);
            assertThat(http.post("/accounts", openAccountJson(id, "ada@example.com", "Ada", "PREMIUM")).status())
                    .isEqualTo(201);
            http.put("/accounts/" + id + "/plan", "{\"plan\":\"STANDARD\"}");
            stateBefore = http.get("/accounts/" + id).json();
            historyBefore = http.get("/accounts/" + id + "/events").json();
        }

        try (var second = start()) {
            HttpJson http = http(second);
            assertThat(http.get("/accounts/" + id).json()).isEqualTo(stateBefore);
            assertThat(http.get("/accounts/" + id + "/events").json()).isEqualTo(historyBefore);
            assertThat(stateBefore.get("email").asString()).isEqualTo("ada@example.com");
            assertThat(stateBefore.get("plan").asString()).isEqualTo("STANDARD");
        }
    }
}
