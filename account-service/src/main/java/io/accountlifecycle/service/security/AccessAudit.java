package io.accountlifecycle.service.security;

import io.accountlifecycle.api.AccessDeniedEvent;
import io.accountlifecycle.api.MetaDataKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refusals: an authenticated caller's becomes an {@link AccessDeniedEvent} in the event store (and so on the event
 * topic); an anonymous one is only counted and logged.
 */
@Component
class AccessAudit {

    private static final Logger log = LoggerFactory.getLogger(AccessAudit.class);
    private static final Pattern ACCOUNT_IN_PATH = Pattern.compile("/accounts/([0-9a-fA-F-]{36})");

    private final EventBus eventBus;
    private final TransactionTemplate transaction;
    private final Counter unauthenticated;
    private final Counter denied;

    AccessAudit(EventBus eventBus, TransactionTemplate transaction, MeterRegistry metrics) {
        this.eventBus = eventBus;
        this.transaction = transaction;
        this.unauthenticated = Counter.builder("account.http.unauthenticated")
                                      .description("Requests refused for a missing, expired or invalid token")
                                      .register(metrics);
        this.denied = Counter.builder("account.http.denied")
                             .description("Authenticated requests refused for a missing scope").register(metrics);
    }

    void unauthenticated(HttpServletRequest request, String reason) {
        unauthenticated.increment();
        log.info("Unauthenticated {} {} from {}: {}", request.getMethod(), request.getRequestURI(),
                 request.getRemoteAddr(), reason);
    }

    void denied(String actor, HttpServletRequest request, String reason) {
        denied.increment();
        Matcher account = ACCOUNT_IN_PATH.matcher(request.getRequestURI());
        AccessDeniedEvent event = new AccessDeniedEvent(actor, request.getMethod(), request.getRequestURI(),
                                                        account.find() ? account.group(1) : null, reason);
        try {
            transaction.executeWithoutResult(status -> eventBus.publish(
                    GenericEventMessage.asEventMessage(event).andMetaData(MetaData.from(Map.of(MetaDataKeys.ACTOR, actor)))));
        } catch (RuntimeException e) {
            log.error("Could not record the refusal of {} {} for {}", request.getMethod(), request.getRequestURI(),
                      actor, e);
        }
    }
}
