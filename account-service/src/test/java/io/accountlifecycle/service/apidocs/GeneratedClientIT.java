package io.accountlifecycle.service.apidocs;

import io.accountlifecycle.client.ApiClient;
import io.accountlifecycle.client.ApiException;
import io.accountlifecycle.client.api.AccountsApi;
import io.accountlifecycle.client.model.AccountResponse;
import io.accountlifecycle.client.model.DeletionRequest;
import io.accountlifecycle.client.model.DeletionResponse;
import io.accountlifecycle.client.model.OpenAccountRequest;
import io.accountlifecycle.client.model.OpenAccountResponse;
import io.accountlifecycle.service.TestTokens;
import io.accountlifecycle.service.security.Scopes;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A product team's view: the Java client generated from the committed OpenAPI description (openapi-generator, in this
 * module's generated test sources) opens an account, reads it and requests its deletion with a token, and reads the
 * service's refusals as the problem documents the description promises.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GeneratedClientIT {

    @Autowired
    ConfigurableApplicationContext context;

    private AccountsApi accounts(String... scopes) {
        String token = TestTokens.mint(context, "generated-client", List.of(scopes));
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://localhost:" + context.getEnvironment().getProperty("local.server.port"));
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        return new AccountsApi(client);
    }

    @Test
    void aGeneratedClientOpensReadsAndDeletesAnAccount() throws ApiException {
        AccountsApi api = accounts(Scopes.READ, Scopes.WRITE, Scopes.DELETE);
        UUID id = UUID.randomUUID();
        OpenAccountResponse opened = api.openAccount(new OpenAccountRequest().accountId(id).email("gen@example.com")
                                                                             .displayName("Generated Client")
                                                                             .plan(OpenAccountRequest.PlanEnum.STANDARD),
                                                     "generated-1");
        assertThat(opened.getAccountId()).isEqualTo(id);

        AccountResponse account = api.getAccount(id, null);
        assertThat(account.getEmail()).isEqualTo("gen@example.com");
        assertThat(account.getStatus()).isEqualTo(AccountResponse.StatusEnum.ACTIVE);
        assertThat(account.getPlan()).isEqualTo(AccountResponse.PlanEnum.STANDARD);

        DeletionResponse deletion = api.requestAccountDeletion(id, new DeletionRequest().reason("customer asked"),
                                                               "generated-2");
        assertThat(deletion.getDeletionRequested()).isTrue();
        assertThat(deletion.getApprovalRequired()).isFalse();
        await().atMost(Duration.ofSeconds(20)).until(
                () -> api.getAccount(id, null).getStatus() == AccountResponse.StatusEnum.QUARANTINED);
        assertThat(api.getAccount(id, null).getPurgeDueAt()).isNotNull();
    }

    @Test
    void refusalsReachTheClientAsProblemDocuments() {
        AccountsApi reader = accounts(Scopes.READ);
        ApiException refused = catchThrowableOfType(ApiException.class, () -> reader.requestAccountDeletion(
                UUID.randomUUID(), new DeletionRequest().reason("no scope"), null));
        assertThat(refused.getCode()).isEqualTo(403);
        assertThat(refused.getResponseBody()).contains("\"title\":\"Missing scope\"");
        assertThat(refused.getResponseHeaders().firstValue("RateLimit-Remaining")).isPresent();

        ApiException missing = catchThrowableOfType(ApiException.class, () -> reader.getAccount(UUID.randomUUID(),
                                                                                                null));
        assertThat(missing.getCode()).isEqualTo(404);
        assertThat(missing.getResponseHeaders().firstValue("Content-Type")).contains("application/problem+json");
    }
}
