package io.accountlifecycle.service.account;

import java.util.UUID;

/** The requester tried to approve (or reject) their own deletion: a second admin must. */
public class SelfApprovalException extends RuntimeException {

    public SelfApprovalException(UUID subject, String actor) {
        super(actor + " requested " + subject + " and cannot also approve or reject it; a second admin must");
    }
}
