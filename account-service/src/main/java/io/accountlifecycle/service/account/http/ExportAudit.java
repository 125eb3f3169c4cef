package io.accountlifecycle.service.account.http;

import io.accountlifecycle.api.AccountDataExportedEvent;
import io.accountlifecycle.api.MetaDataKeys;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.util.UUID;

/**
 * Records every export in the event store ({@link AccountDataExportedEvent}, an event of no aggregate, as refusals
 * are), before the document is sent: an export that cannot be recorded is not served.
 */
@Component
class ExportAudit {

    private final EventBus events;

    ExportAudit(EventBus events) {
        this.events = events;
    }

    @Transactional
    public void exported(UUID accountId, String actor, long eventCount, boolean purged) {
        events.publish(GenericEventMessage.asEventMessage(new AccountDataExportedEvent(accountId, actor, eventCount,
                                                                                       purged))
                                          .andMetaData(MetaData.with(MetaDataKeys.ACTOR, actor)));
    }
}
