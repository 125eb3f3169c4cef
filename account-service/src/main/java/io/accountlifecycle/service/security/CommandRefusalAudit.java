package io.accountlifecycle.service.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A Kafka command refused for a scope its sender's token lacks, audited like an HTTP refusal: aggregated into at most
 * one {@code AccessDeniedEvent} per subject, command type and minute (method {@code KAFKA}, path the command type), so
 * a producer flooding the topic with commands it may not send adds a bounded number of events. Refusals for a missing
 * or invalid token name no subject one could trust, and are only counted, as anonymous HTTP requests are.
 */
@Component
@ConditionalOnWebApplication
public class CommandRefusalAudit {

    private static final Logger log = LoggerFactory.getLogger(CommandRefusalAudit.class);
    private static final String METHOD = "KAFKA";

    private final AccessRefusals refusals;
    /** Its own, short transaction: not the intake's poll, which may run long and must not be aborted by a count. */
    private final TransactionTemplate own;

    CommandRefusalAudit(AccessRefusals refusals, PlatformTransactionManager transactions) {
        this.refusals = refusals;
        this.own = new TransactionTemplate(transactions);
        this.own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    public void denied(String subject, String commandType, String accountId, String reason) {
        try {
            own.executeWithoutResult(status -> refusals.count(
                    subject, new RefusedActions.Action(METHOD + " " + commandType, METHOD, commandType), METHOD,
                    commandType, accountId, reason));
        } catch (RuntimeException e) {
            log.error("Could not record the refusal of a {} command for {}", commandType, subject, e);
        }
    }
}
