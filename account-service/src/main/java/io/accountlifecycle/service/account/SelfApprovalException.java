package io.accountlifecycle.service.account;

import java.util.UUID;

/** The requester tried to approve (or reject) their own deletion, or to reset a breaker they tripped: someone else must. */
public class SelfApprovalException extends RuntimeException {

    public SelfApprovalException(UUID subject, String actor) {
        super(actor + " requested " + subject + " and cannot also approve or reject it; a second admin must");
    }

    public SelfApprovalException(String message) {
        super(message);
    }
}
