package io.accountlifecycle.service.batch;

import io.accountlifecycle.service.account.DeletionSafeguards;
import io.accountlifecycle.service.account.query.AccountHistory;
import org.springframework.stereotype.Component;

import java.util.UUID;

@Component
class ServiceDeletionSafeguards implements DeletionSafeguards {

    private final DeletionBreakerGuard breaker;
    private final AccountHistory history;
    private final DeletionBatchSettings settings;

    ServiceDeletionSafeguards(DeletionBreakerGuard breaker, AccountHistory history, DeletionBatchSettings settings) {
        this.breaker = breaker;
        this.history = history;
        this.settings = settings;
    }

    @Override
    public void checkBreaker() {
        breaker.check();
    }

    @Override
    public boolean requiresApproval(UUID accountId) {
        return history.currentState(accountId)
                      .map(s -> s.protectedAccount() || settings.protectedPlans().contains(s.plan()))
                      .orElse(false);
    }
}
