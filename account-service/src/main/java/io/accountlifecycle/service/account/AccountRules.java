package io.accountlifecycle.service.account;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.Plan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The field rules of an account, checked by the aggregate on every command that carries the field. */
public final class AccountRules {

    public static final int MAX_EMAIL_LENGTH = Limits.MAX_EMAIL_LENGTH;
    public static final int MAX_DISPLAY_NAME_LENGTH = Limits.MAX_DISPLAY_NAME_LENGTH;

    // Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is the product's concern, not ours.
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$");

    private final Map<String, String> violations = new LinkedHashMap<>();

    public static AccountRules check() {
        return new AccountRules();
    }

    public AccountRules email(String field, String email) {
        if (email == null || email.isBlank()) {
            violations.put(field, "must not be blank");
        } else if (email.length() > MAX_EMAIL_LENGTH) {
            violations.put(field, "must be at most " + MAX_EMAIL_LENGTH + " characters");
        } else if (!EMAIL.matcher(email).matches()) {
            violations.put(field, "must be an email address like name@example.com");
        }
        return this;
    }

    public AccountRules displayName(String field, String displayName) {
        if (displayName == null || displayName.isBlank()) {
            violations.put(field, "must not be blank");
        } else if (displayName.length() > MAX_DISPLAY_NAME_LENGTH) {
            violations.put(field, "must be at most " + MAX_DISPLAY_NAME_LENGTH + " characters");
        } else if (displayName.chars().anyMatch(Character::isISOControl)) {
            violations.put(field, "must not contain control characters");
        }
        return this;
    }

    public static final int MAX_REASON_LENGTH = Limits.MAX_REASON_LENGTH;

    public AccountRules reason(String field, String reason) {
        if (reason == null || reason.isBlank()) {
            violations.put(field, "must say why (not blank)");
        } else if (reason.length() > MAX_REASON_LENGTH) {
            violations.put(field, "must be at most " + MAX_REASON_LENGTH + " characters");
        }
        return this;
    }

    public AccountRules plan(String field, Plan plan) {
        if (plan == null) {
            violations.put(field, "must be one of FREE, STANDARD, PREMIUM, ENTERPRISE");
        }
        return this;
    }

    public AccountRules require(boolean condition, String field, String message) {
        if (!condition) {
            violations.putIfAbsent(field, message);
        }
        return this;
    }

    public void enforce() {
        if (!violations.isEmpty()) {
            throw new AccountRuleViolationException(violations);
        }
    }
}
