package io.accountlifecycle.service.kafka.intake;

import io.accountlifecycle.api.CommandResult;
import io.accountlifecycle.api.CommandStatus;
import io.accountlifecycle.service.account.AccountAlreadyExistsException;
import io.accountlifecycle.service.account.AccountCommands;
import io.accountlifecycle.service.account.AccountPurgedException;
import io.accountlifecycle.service.account.AccountQuarantinedException;
import io.accountlifecycle.service.account.AccountRuleViolationException;
import io.accountlifecycle.service.account.DeletionConflictException;
import io.accountlifecycle.service.deletion.DeletionBreakerOpenException;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.eventstore.DatabaseUnavailable;
import io.accountlifecycle.service.eventstore.PostgresEventStorageEngine;
import io.accountlifecycle.service.personal.DataKeyStore;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.security.CommandRefusalAudit;
import io.accountlifecycle.service.security.CommandTokens.Caller;
import org.springframework.beans.factory.ObjectProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.ListenerUtils;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Commands from {@code account.commands}, a whole poll in one database transaction: the poll's earlier outcomes read in
 * one query, then its commands together in one savepoint ({@link #together}), or, when one of them is refused or fails
 * (or the poll holds a deletion), each in a savepoint of its own: a rejected command rolls back alone, the batch
 * commits once. Outcomes are durable in {@code processed_command}
 * before results and dead letters are produced, and offsets are committed only after the broker acknowledged those
 * and every earlier poll's ({@link InFlightResults}: the next poll is handled meanwhile); a crash anywhere in between
 * redelivers, and the recorded outcome answers the redelivery.
 *
 * <p>Each record's sender is authenticated before it is parsed ({@link CommandAuthentication}) and needs the scope
 * its command type's HTTP twin needs; the token's subject is the actor and, with the command id, what makes a command
 * the same one again. A record refused for either is answered {@code REJECTED} and nothing else: not recorded (the
 * same command sent with a valid token is processed), not dead-lettered (nothing about it is malformed).
 */
@Component
class KafkaCommandIntake {

    private static final Logger log = LoggerFactory.getLogger(KafkaCommandIntake.class);
    private static final int CONCURRENCY_ATTEMPTS = 3;
    static final String LISTENER_ID = "account-command-intake";
    /** The command types whose every effect is in the intake's transaction: see {@link #together}. */
    private static final Set<String> TOGETHER = Set.of("OpenAccount", "UpdateAccountProfile", "ChangeAccountPlan",
                                                       "RecordAccountActivity");

    private final CommandAuthentication authentication;
    private final ObjectProvider<CommandRefusalAudit> audit;
    private final CommandEnvelopeParser parser;
    private final AccountCommands commands;
    private final ProcessedCommands processed;
    private final KafkaTemplate<String, String> kafka;
    private final DeadLetters deadLetters;
    private final InFlightResults inFlight;
    private final ObjectProvider<KafkaListenerEndpointRegistry> listeners;
    private final TransactionTemplate batchTransaction;
    private final TransactionTemplate commandSavepoint;
    private final JdbcTemplate jdbc;
    private final PostgresEventStorageEngine events;
    private final DataKeyStore dataKeys;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Counter consumed;
    private final Map<CommandStatus, Counter> outcomes = new EnumMap<>(CommandStatus.class);
    private final Counter refusedForToken;
    private final Counter refusedForScope;
    private final Counter deadLettered;
    private final Counter pollsTogether;
    private final Counter pollsOneByOne;

    KafkaCommandIntake(CommandAuthentication authentication, ObjectProvider<CommandRefusalAudit> audit,
                       CommandEnvelopeParser parser, AccountCommands commands,
                       ProcessedCommands processed, KafkaTemplate<String, String> kafka,
                       DeadLetters deadLetters, InFlightResults inFlight,
                       ObjectProvider<KafkaListenerEndpointRegistry> listeners,
                       PlatformTransactionManager transactions,
                       JdbcTemplate jdbc, PostgresEventStorageEngine events, DataKeyStore dataKeys, Clock clock,
                       MeterRegistry metrics) {
        this.authentication = authentication;
        this.audit = audit;
        this.parser = parser;
        this.commands = commands;
        this.processed = processed;
        this.kafka = kafka;
        this.deadLetters = deadLetters;
        this.inFlight = inFlight;
        this.listeners = listeners;
        this.jdbc = jdbc;
        this.events = events;
        this.dataKeys = dataKeys;
        this.clock = clock;
        this.batchTransaction = new TransactionTemplate(transactions);
        this.commandSavepoint = new TransactionTemplate(transactions);
        this.commandSavepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.consumed = Counter.builder("account.commands.consumed").register(metrics);
        for (CommandStatus status : CommandStatus.values()) {
            outcomes.put(status, Counter.builder("account.commands.outcome")
                                        .tag("status", status.name().toLowerCase(Locale.ROOT)).register(metrics));
        }
        this.refusedForToken = refusals("token", metrics);
        this.refusedForScope = refusals("scope", metrics);
        this.deadLettered = Counter.builder("account.commands.dead_lettered").register(metrics);
        this.pollsTogether = polls("together", metrics);
        this.pollsOneByOne = polls("one-by-one", metrics);
    }

    private static Counter polls(String path, MeterRegistry metrics) {
        return Counter.builder("account.commands.polls").tag("path", path)
                      .description("Polls of account.commands run with every command in one savepoint (together), "
                                   + "or each in its own (one-by-one: a command refused or failed, or a deletion)")
                      .register(metrics);
    }

    private static Counter refusals(String reason, MeterRegistry metrics) {
        return Counter.builder("account.commands.refused").tag("reason", reason)
                      .description("Command records refused: no valid bearer token (token), or a scope it lacks")
                      .register(metrics);
    }

    /** What a record leads to once the batch is committed: a result, a dead letter, or both. */
    private record Outgoing(CommandResult result, ConsumerRecord<String, byte[]> deadLetter, String reason) {
    }

    @KafkaListener(id = LISTENER_ID, groupId = "${spring.kafka.consumer.group-id:account-service}",
                   topics = KafkaTopics.COMMANDS, batch = "true",
                   containerFactory = "commandIntakeContainerFactory",
                   autoStartup = "${account.kafka.intake.enabled:true}")
    void receive(List<ConsumerRecord<String, byte[]>> records, Acknowledgment acknowledgment,
                 Consumer<?, ?> consumer) {
        List<Outgoing> outgoing = batchTransaction.execute(status -> {
            // Authenticated and parsed first, then every earlier outcome of the poll in one query, then each command.
            List<Object> prepared = new ArrayList<>(records.size());
            List<ProcessedCommands.Key> keys = new ArrayList<>(records.size());
            for (ConsumerRecord<String, byte[]> record : records) {
                Object step = prepare(record);
                if (step instanceof Prepared command) {
                    keys.add(new ProcessedCommands.Key(command.subject(), command.command().commandId()));
                }
                prepared.add(step);
            }
            Map<ProcessedCommands.Key, ProcessedCommands.Stored> earlier = processed.findAll(keys);
            List<Outgoing> together = together(prepared, earlier);
            if (together != null) {
                pollsTogether.increment();
                return together;
            }
            pollsOneByOne.increment();
            List<Outgoing> out = new ArrayList<>(records.size());
            for (Object step : prepared) {
                out.add(step instanceof Prepared command ? execute(command, earlier) : (Outgoing) step);
            }
            return out;
        });
        Map<TopicPartition, Long> back = inFlight.sent(firstOffsets(records), publish(outgoing),
                                                       acknowledgment::acknowledge);
        if (!back.isEmpty()) {
            deliverAgain(back, consumer);
        }
    }

    /**
     * While no records come (the container's idle event, published on the consumer thread by Spring's default,
     * synchronous event multicaster: the thread's own poll, and its consumer): the last poll's results may have failed
     * since, with no poll after it to notice.
     */
    @EventListener
    void idle(ListenerContainerIdleEvent idle) {
        if (idle.getListenerId().startsWith(LISTENER_ID)) {
            Map<TopicPartition, Long> back = inFlight.failedWhileIdle();
            if (!back.isEmpty()) {
                deliverAgain(back, idle.getConsumer());
            }
        }
    }

    /**
     * A poll's results or dead letters were not acknowledged by the broker: it and every record after it are delivered
     * again, after a pause that grows while it lasts (as the container's error handler's), and answered from
     * processed_command; no offset past it was committed.
     */
    private void deliverAgain(Map<TopicPartition, Long> back, Consumer<?, ?> consumer) {
        long pause = inFlight.pauseMillis();
        log.warn("Results or dead letters of a poll of {} were not acknowledged by the broker: delivering again from "
                 + "{} in {} ms", KafkaTopics.COMMANDS, back, pause);
        back.forEach(consumer::seek);
        // In slices, so that a stopping container is not held up.
        MessageListenerContainer container = listeners.getObject().getListenerContainer(LISTENER_ID);
        try {
            if (container != null) {
                ListenerUtils.stoppableSleep(container, pause);
            } else {
                Thread.sleep(pause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<TopicPartition, Long> firstOffsets(List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
        }
        return first;
    }

    /**
     * The usual case first: every command of the poll in one savepoint, none in a savepoint of its own (two round
     * trips each, and past 64 of them PostgreSQL's subtransaction cache overflows, which slows every other session's
     * snapshots). Only for polls of commands whose every effect is in this transaction (opening an account, changing
     * its profile or plan, recording activity: not a deletion request, which reserves its place in the deletion
     * windows in a transaction of its own). The first command that fails or is refused rolls the savepoint back and
     * this returns null: then each command runs in its own savepoint, as {@link #execute} does, with the same answers.
     * The poll's outcomes, new accounts' keys and events are written at the end, each kind in one statement
     * ({@link ProcessedCommands#recordAll}, {@link DataKeyStore#holdNewKeys}, {@link
     * PostgresEventStorageEngine#holdAppends}): a command id recorded meanwhile or an account id used before is
     * refused then, and the poll runs one by one.
     */
    private List<Outgoing> together(List<Object> prepared,
                                    Map<ProcessedCommands.Key, ProcessedCommands.Stored> earlier) {
        for (Object step : prepared) {
            if (step instanceof Prepared command && !TOGETHER.contains(command.command().type())) {
                return null;
            }
        }
        return commandSavepoint.execute(status -> {
            try {
                events.holdAppends();
                dataKeys.holdNewKeys();
                List<Outgoing> out = new ArrayList<>(prepared.size());
                List<ProcessedCommands.Claim> claims = new ArrayList<>(prepared.size());
                for (Object step : prepared) {
                    Outgoing outgoing = step instanceof Prepared command ? withoutSavepoint(command, earlier, claims)
                                                                         : (Outgoing) step;
                    if (outgoing == null) {
                        status.setRollbackOnly();
                        return null;
                    }
                    out.add(outgoing);
                }
                if (!processed.recordAll(claims) || !dataKeys.writeHeldKeys()) {
                    // A concurrent delivery of one of them, or an account id used before: the careful path answers.
                    status.setRollbackOnly();
                    return null;
                }
                events.writeHeldAppends();
                return out;
            } catch (RuntimeException e) {
                // Refused when written together (an account id used before, an outcome recorded meanwhile): one by
                // one, each command then gets its own answer.
                status.setRollbackOnly();
                return null;
            } finally {
                events.releaseHeldAppends();
                dataKeys.releaseHeldKeys();
            }
        });
    }

    /**
     * A command run in the poll's savepoint; null when it did not simply take effect (or found its outcome). Its
     * outcome is added to {@code claims}, recorded with the poll's others at the end.
     */
    private Outgoing withoutSavepoint(Prepared prepared,
                                      Map<ProcessedCommands.Key, ProcessedCommands.Stored> outcomes,
                                      List<ProcessedCommands.Claim> claims) {
        ParsedCommand command = prepared.command();
        ProcessedCommands.Stored stored = outcomes.get(new ProcessedCommands.Key(prepared.subject(),
                                                                                 command.commandId()));
        if (stored != null) {
            return stored.deadLetterReason() == null ? new Outgoing(stored.result(), null, null) : null;
        }
        CommandResult claim = ProcessedCommands.accepted(command.commandId(), command.accountId(), now());
        try {
            ParsedCommand.Effect effect = command.execution().run(commands, origin(prepared));
            if (effect.status() != CommandStatus.ACCEPTED) {
                return null;
            }
            claims.add(new ProcessedCommands.Claim(prepared.subject(), claim, command.type()));
            return new Outgoing(claim, null, null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Origin origin(Prepared prepared) {
        // The actor is who the token says; issuedBy is only what the sender says about on whose behalf it acts.
        // Without a token (account.kafka.intake.require-token=false) it is issuedBy, as before tokens.
        ParsedCommand command = prepared.command();
        String actor = prepared.caller().map(Caller::subject)
                               .orElseGet(() -> command.issuedBy() == null ? "kafka:unknown" : command.issuedBy());
        return Origin.of(actor, command.commandId().toString());
    }

    /** A record whose sender may send its command: what remains is to run it. */
    private record Prepared(ConsumerRecord<String, byte[]> record, Optional<Caller> caller, String subject,
                            ParsedCommand command) {
    }

    /** The record's answer when it goes no further (refused, unreadable), or the command to run ({@link Prepared}). */
    private Object prepare(ConsumerRecord<String, byte[]> record) {
        consumed.increment();
        Optional<Caller> caller;
        try {
            caller = authentication.authenticate(record);
        } catch (RefusedCommandException e) {
            // The record is not parsed for an unknown sender: only its ids are read, to address the answer.
            CommandEnvelopeParser.Ids ids = parser.ids(record.value());
            return refused(record, ids.commandId(), ids.accountId(), e.getMessage(), refusedForToken);
        }
        String subject = caller.map(Caller::subject).orElse(ProcessedCommands.NO_SUBJECT);
        ParsedCommand command;
        try {
            command = parser.parse(record.value());
        } catch (InvalidCommandException e) {
            CommandResult result = null;
            if (e.commandId() != null) {
                result = recorded(subject, ProcessedCommands.rejected(e.commandId(), e.accountId(), e.getMessage(),
                                                                      now()), null, e.getMessage());
            }
            return new Outgoing(result, record, e.getMessage());
        }
        if (caller.isPresent() && !caller.get().hasScope(command.scope())) {
            audit.ifAvailable(a -> a.denied(subject, command.type(), command.accountId().toString(),
                                            "lacks the scope " + command.scope()));
            return refused(record, command.commandId(), command.accountId(),
                           "The token of " + subject + " lacks the scope " + command.scope() + " that "
                           + command.type() + " needs", refusedForScope);
        }
        return new Prepared(record, caller, subject, command);
    }

    private Outgoing execute(Prepared prepared, Map<ProcessedCommands.Key, ProcessedCommands.Stored> outcomes) {
        ConsumerRecord<String, byte[]> record = prepared.record();
        String subject = prepared.subject();
        ParsedCommand command = prepared.command();
        var earlier = Optional.ofNullable(outcomes.get(new ProcessedCommands.Key(subject, command.commandId())));
        if (earlier.isPresent()) {
            // A redelivery or a re-send: the same result, no new effect, and the dead letter again if there was one.
            String deadLetterReason = earlier.get().deadLetterReason();
            return new Outgoing(earlier.get().result(), deadLetterReason == null ? null : record, deadLetterReason);
        }
        Origin origin = origin(prepared);
        for (int attempt = 1; ; attempt++) {
            try {
                // The outcome row is the claim, inside the command's savepoint: a concurrent delivery of the same
                // command (a rebalance, a re-send on another partition) waits on it and finds it taken.
                CommandResult outcome = commandSavepoint.execute(status -> {
                    CommandResult claim = ProcessedCommands.accepted(command.commandId(), command.accountId(), now());
                    if (!processed.record(subject, claim, command.type(), null)) {
                        status.setRollbackOnly();
                        return null;
                    }
                    ParsedCommand.Effect effect = command.execution().run(commands, origin);
                    if (effect.status() == CommandStatus.ACCEPTED) {
                        return claim;
                    }
                    CommandResult settled = new CommandResult(claim.commandId(), claim.accountId(), effect.status(),
                                                              effect.reason(), claim.processedAt());
                    processed.settle(subject, settled);
                    return settled;
                });
                if (outcome == null) {
                    return new Outgoing(processed.find(subject, command.commandId()).orElseThrow().result(), null,
                                        null);
                }
                return new Outgoing(outcome, null, null);
            } catch (ConcurrencyException e) {
                if (attempt == CONCURRENCY_ATTEMPTS) {
                    return rejectedOutgoing(subject, command, "Another change to this account was stored at the same "
                                                              + "moment " + CONCURRENCY_ATTEMPTS
                                                              + " times; send the command again", null);
                }
            } catch (AccountRuleViolationException e) {
                return rejectedOutgoing(subject, command, "Invalid account fields: " + describe(e.violations()),
                                        record);
            } catch (AccountAlreadyExistsException e) {
                return rejectedOutgoing(subject, command, e.getMessage() + "; account ids are never reused", null);
            } catch (AccountQuarantinedException | AccountPurgedException | DeletionConflictException
                     | DeletionBreakerOpenException e) {
                return rejectedOutgoing(subject, command, e.getMessage(), null);
            } catch (AggregateNotFoundException e) {
                return rejectedOutgoing(subject, command, "No account " + command.accountId(), null);
            } catch (RuntimeException e) {
                boolean diskFull = DatabaseUnavailable.diskFull(e);
                if (diskFull || databaseUnavailable()) {
                    // Infrastructure (unreachable, or out of disk space), not the record: the whole batch is
                    // retried with a back-off, nothing is lost, nothing is dead-lettered.
                    if (diskFull) {
                        log.warn("PostgreSQL is out of disk space: command {} is retried until space returns",
                                 command.commandId());
                    }
                    throw e;
                }
                log.error("Command {} failed unexpectedly; dead-lettering it", command.commandId(), e);
                return rejectedOutgoing(subject, command, "The service could not process this command: " + e,
                                        record);
            }
        }
    }

    /**
     * A sender without a valid token, or without the scope: answered when the record names a command id, and neither
     * recorded nor dead-lettered.
     */
    private Outgoing refused(ConsumerRecord<String, byte[]> record, UUID commandId, UUID accountId, String reason,
                             Counter refusals) {
        refusals.increment();
        log.info("Refused command record {}-{}@{} (command {}): {}", record.topic(), record.partition(),
                 record.offset(), commandId == null ? "id unreadable" : commandId, reason);
        CommandResult result = commandId == null ? null
                                                 : ProcessedCommands.rejected(commandId, accountId, reason, now());
        return new Outgoing(result, null, null);
    }

    private Outgoing rejectedOutgoing(String subject, ParsedCommand command, String reason,
                                      ConsumerRecord<String, byte[]> deadLetter) {
        CommandResult result = recorded(subject, ProcessedCommands.rejected(command.commandId(), command.accountId(),
                                                                            reason, now()), command.type(),
                                        deadLetter == null ? null : reason);
        return new Outgoing(result, deadLetter, reason);
    }

    /** The stored outcome: ours, or the one a concurrent delivery of the same command recorded first. */
    private CommandResult recorded(String subject, CommandResult result, String type, String deadLetterReason) {
        if (processed.record(subject, result, type, deadLetterReason)) {
            return result;
        }
        return processed.find(subject, result.commandId()).map(ProcessedCommands.Stored::result).orElse(result);
    }

    /** Microseconds, as PostgreSQL keeps them: a result read back for a redelivery is identical to the first. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private boolean databaseUnavailable() {
        try {
            jdbc.queryForObject("select 1", Integer.class);
            return false;
        } catch (RuntimeException probe) {
            return true;
        }
    }

    /** Sends the poll's results and dead letters; their acknowledgements are {@link InFlightResults}' to await. */
    private List<CompletableFuture<?>> publish(List<Outgoing> outgoing) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (Outgoing out : outgoing) {
            if (out.deadLetter() != null) {
                sends.add(deadLetters.send(out.deadLetter(), out.reason()));
                deadLettered.increment();
            }
            if (out.result() != null) {
                outcomes.get(out.result().status()).increment();
                sends.add(kafka.send(KafkaTopics.COMMAND_RESULTS, out.result().commandId().toString(),
                                     json.writeValueAsString(out.result())));
            }
        }
        return sends;
    }

    private static String describe(Map<String, String> violations) {
        return violations.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                         .collect(Collectors.joining("; "));
    }
}
