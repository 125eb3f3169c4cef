package io.accountlifecycle.benchmarks;

import java.util.UUID;

/**
 * SQL for copies of a template account's events under new account ids ({@code a.id} in the statement): the
 * template's id is replaced everywhere except in the sealed values' {@code keyId}. A sealed value's ciphertext is
 * bound to its key id (the AEAD's associated data), so a copy that named its own key id would hold values that open
 * under no key: the email index (account-summary's processor) then fails such an event and parks it, and with
 * thousands of copies the dead-letter queue overflows and the processor stops. Kept on the template's key id, a
 * copy's email opens as a real account's does, so a replay or a restore does the work it would do in production.
 */
final class Copies {

    private static final String PLACEHOLDER = "\"keyId\":\"@\"";

    private Copies() {
    }

    /** {@code column} (text) with the template's id replaced by {@code a.id}, its sealed values' key id kept. */
    static String text(String column, UUID template) {
        String kept = "\"keyId\":\"" + template + "\"";
        return "replace(replace(replace(" + column + ", '" + kept + "', '" + PLACEHOLDER + "'), '" + template
               + "', a.id::text), '" + PLACEHOLDER + "', '" + kept + "')";
    }

    /** The same for a {@code bytea} column holding UTF-8 JSON. */
    static String payload(String column, UUID template) {
        return text("convert_from(" + column + ", 'UTF8')", template);
    }
}
