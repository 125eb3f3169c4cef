package io.accountlifecycle.service.personal;

import io.accountlifecycle.api.AccountPurgedEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/**
 * Crypto-shredding: destroys a purged account's data key in the same transaction that stores {@link
 * AccountPurgedEvent} (a subscribing processor runs in the purge's own unit of work), so the event and the key's end
 * are one fact. Other instances drop their copy when that transaction commits ({@link DataKeyDestructionListener}).
 */
@Component
@ProcessingGroup(KeyShredder.PROCESSING_GROUP)
class KeyShredder {

    static final String PROCESSING_GROUP = "key-shredder";

    private final DataKeyStore keys;

    KeyShredder(DataKeyStore keys) {
        this.keys = keys;
    }

    @EventHandler
    void on(AccountPurgedEvent event) {
        keys.destroy(PersonalDataSealer.keyIdOf(event.accountId()));
    }
}
