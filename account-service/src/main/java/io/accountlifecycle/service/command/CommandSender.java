package io.accountlifecycle.service.command;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

/**
 * The one way a command leaves an intake of this service (HTTP, admin endpoints, the Kafka intake, the batch
 * executor, the breaker, a restore): with its {@link Origin} as metadata. Commands a handler sends while it handles
 * a message (the purge saga) inherit the origin of that message instead ({@link CommandOriginConfiguration}).
 */
@Component
public class CommandSender {

    private final CommandGateway gateway;

    public CommandSender(CommandGateway gateway) {
        this.gateway = gateway;
    }

    /** Sends and waits for the outcome; a refusal is thrown as the handler threw it. */
    public <R> R sendAndWait(Object command, Origin origin) {
        return gateway.sendAndWait(command, origin.metaData());
    }
}
