package io.accountlifecycle.api;

/** The commercial plan an account is on; product services choose it, bulk clean-ups and value-at-risk read it. */
public enum Plan {
    FREE,
    STANDARD,
    PREMIUM,
    ENTERPRISE
}
