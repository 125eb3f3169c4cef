package io.accountlifecycle.service;

import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.UUID;

import static io.accountlifecycle.service.HttpJson.openAccountJson;
import static io.accountlifecycle.service.ServiceInstances.http;
import static org.assertj.core.api.Assertions.assertThat;

/** Stopping the service and starting another instance on the same database loses nothing. */
@RealPostgres(database = "accounts_restart")
@RealKafka
class RestartIT {

    @Test
    void aSecondInstanceOnTheSameDatabaseSeesEveryAccountAndItsHistory() {
        UUID id = UUID.randomUUID();
        JsonNode stateBefore;
        JsonNode historyBefore;
        try (var first = ServiceInstances.start("accounts_restart", "restart-it")) {
            HttpJson http = http(first);
            assertThat(http.post("/accounts", openAccountJson(id, "ada@example.com", "Ada", "PREMIUM")).status())
                    .isEqualTo(201);
            http.put("/accounts/" + id + "/plan", "{\"plan\":\"STANDARD\"}");
            stateBefore = http.get("/accounts/" + id).json();
            historyBefore = http.get("/accounts/" + id + "/events").json();
        }

        try (var second = ServiceInstances.start("accounts_restart", "restart-it")) {
            HttpJson http = http(second);
            assertThat(http.get("/accounts/" + id).json()).isEqualTo(stateBefore);
            assertThat(http.get("/accounts/" + id + "/events").json()).isEqualTo(historyBefore);
            assertThat(stateBefore.get("email").asString()).isEqualTo("ada@example.com");
            assertThat(stateBefore.get("plan").asString()).isEqualTo("STANDARD");
        }
    }
}
