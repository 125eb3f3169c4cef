package io.accountlifecycle.service.account;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A command broke one or more field rules; nothing was stored. Maps each field to what is wrong with it. */
public class AccountRuleViolationException extends RuntimeException {

    private final Map<String, String> violations;

    public AccountRuleViolationException(Map<String, String> violations) {
        super("Invalid account fields: " + String.join(", ", violations.keySet()));
        this.violations = Collections.unmodifiableMap(new LinkedHashMap<>(violations));
    }

    public Map<String, String> violations() {
        return violations;
    }
}
