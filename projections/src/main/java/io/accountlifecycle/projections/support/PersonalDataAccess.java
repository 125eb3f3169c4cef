package io.accountlifecycle.projections.support;

/**
 * Whether the current caller may see personal fields in plaintext (the service answers from its security context:
 * {@code accounts:read}). Analytics without it show ciphertext's absence, never plaintext.
 */
public interface PersonalDataAccess {

    boolean callerMayReadPersonalData();
}
