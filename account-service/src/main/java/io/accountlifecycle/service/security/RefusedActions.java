package io.accountlifecycle.service.security;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a refused request attempted, as one of a fixed set of actions: the endpoint it would have reached (its method
 * and path pattern, {@code PUT /accounts/{id}/plan}), or a single action for every request no endpoint serves.
 * Refusals are aggregated per action, so the set must not grow with what callers send: ids, unknown paths and made-up
 * methods all fall into an action they share. The endpoints are the controllers' own mappings, read once.
 */
@Component
@ConditionalOnWebApplication
class RefusedActions {

    private static final Logger log = LoggerFactory.getLogger(RefusedActions.class);

    /** Every request no endpoint serves, whatever its method and path. */
    static final Action ELSEWHERE = new Action("* /**", "*", "/**");

    /**
     * @param key         what refusals are aggregated by
     * @param method      the method every request of this action has, or {@code *}
     * @param pathPattern the path every request of this action matches
     */
    record Action(String key, String method, String pathPattern) {
    }

    private record Endpoint(PathPattern pattern, Set<String> methods) {
    }

    private final ObjectProvider<RequestMappingHandlerMapping> mappings;
    private volatile List<Endpoint> endpoints;

    RefusedActions(@Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings) {
        this.mappings = mappings;
    }

    Action of(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String contextPath = request.getContextPath();
        PathContainer path = PathContainer.parsePath(uri.startsWith(contextPath) ? uri.substring(contextPath.length())
                                                                                  : uri);
        String method = request.getMethod();
        for (Endpoint endpoint : endpoints()) {
            if ((endpoint.methods().isEmpty() || endpoint.methods().contains(method))
                && endpoint.pattern().matches(path)) {
                String actionMethod = endpoint.methods().isEmpty() ? "*" : method;
                String pattern = endpoint.pattern().getPatternString();
                return new Action(actionMethod + " " + pattern, actionMethod, pattern);
            }
        }
        return ELSEWHERE;
    }

    /**
     * How many actions there are: a subject's refusals become at most this many {@code AccessDeniedEvent}s a
     * minute.
     */
    int count() {
        Set<String> keys = new LinkedHashSet<>();
        for (Endpoint endpoint : endpoints()) {
            if (endpoint.methods().isEmpty()) {
                keys.add("* " + endpoint.pattern().getPatternString());
            } else {
                endpoint.methods().forEach(method -> keys.add(method + " " + endpoint.pattern().getPatternString()));
            }
        }
        keys.add(ELSEWHERE.key());
        return keys.size();
    }

    /** Kafka command types a scope refusal can be audited for ({@code CommandRefusalAudit}). */
    private static final int KAFKA_COMMAND_TYPES = 6;

    /** The bound the README states as a formula, as a number for this build. */
    @EventListener(ApplicationReadyEvent.class)
    void report() {
        int actions = count();
        int kafkaTypes = KAFKA_COMMAND_TYPES;
        log.info("Refused requests are audited as at most {} AccessDeniedEvents per subject and minute: one per "
                 + "action, {} endpoints, any path none serves and {} Kafka command types", actions + kafkaTypes,
                 actions - 1, kafkaTypes);
    }

    /** Read on first use: the handler mappings are complete only once the context has started. */
    private List<Endpoint> endpoints() {
        List<Endpoint> known = endpoints;
        if (known == null) {
            known = new ArrayList<>();
            RequestMappingHandlerMapping mapping = mappings.getIfAvailable();
            if (mapping != null) {
                for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                    PathPatternsRequestCondition patterns = info.getPathPatternsCondition();
                    if (patterns == null) {
                        continue;
                    }
                    Set<String> methods = new LinkedHashSet<>();
                    for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                        methods.add(method.name());
                    }
                    for (PathPattern pattern : patterns.getPatterns()) {
                        known.add(new Endpoint(pattern, Set.copyOf(methods)));
                    }
                }
            }
            // The most specific pattern first, as Spring MVC would choose between two that match.
            known.sort(Comparator.comparing(Endpoint::pattern, PathPattern.SPECIFICITY_COMPARATOR));
            endpoints = known = List.copyOf(known);
        }
        return known;
    }
}
