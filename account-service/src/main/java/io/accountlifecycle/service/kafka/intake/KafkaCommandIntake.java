package io.accountlifecycle.service.kafka.intake;

import io.accountlifecycle.api.CommandResult;
import io.accountlifecycle.api.CommandStatus;
import io.accountlifecycle.service.account.AccountAlreadyExistsException;
import io.accountlifecycle.service.account.AccountCommands;
import io.accountlifecycle.service.account.AccountPurgedException;
import io.accountlifecycle.service.account.AccountQuarantinedException;
import io.accountlifecycle.service.account.AccountRuleViolationException;
import io.accountlifecycle.service.account.DeletionConflictException;
import io.accountlifecycle.service.batch.DeletionBreakerOpenException;
import io.accountlifecycle.service.command.Origin;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Commands from {@code account.commands}, a whole poll in one database transaction and each command in a savepoint of
 * it: a rejected command rolls back alone, the batch commits once. Outcomes are durable in {@code processed_command}
 * before results and dead letters are produced, and offsets are committed only after the broker acknowledged those;
 * a crash anywhere in between redelivers, and the recorded outcome answers the redelivery.
 */
@Component
class KafkaCommandIntake {

    private static final Logger log = LoggerFactory.getLogger(KafkaCommandIntake.class);
    private static final int CONCURRENCY_ATTEMPTS = 3;

    private final CommandEnvelopeParser parser;
    private final AccountCommands commands;
    private final ProcessedCommands processed;
    private final KafkaTemplate<String, String> kafka;
    private final DeadLetters deadLetters;
    private final TransactionTemplate batchTransaction;
    private final TransactionTemplate commandSavepoint;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Counter consumed;
    private final Counter accepted;
    private final Counter rejected;
    private final Counter deadLettered;

    KafkaCommandIntake(CommandEnvelopeParser parser, AccountCommands commands, ProcessedCommands processed,
                       KafkaTemplate<String, String> kafka,
                       DeadLetters deadLetters,
                       PlatformTransactionManager transactions,
                       JdbcTemplate jdbc, Clock clock, MeterRegistry metrics) {
        this.parser = parser;
        this.commands = commands;
        this.processed = processed;
        this.kafka = kafka;
        this.deadLetters = deadLetters;
        this.jdbc = jdbc;
        this.clock = clock;
        this.batchTransaction = new TransactionTemplate(transactions);
        this.commandSavepoint = new TransactionTemplate(transactions);
        this.commandSavepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.consumed = Counter.builder("account.commands.consumed").register(metrics);
        this.accepted = Counter.builder("account.commands.outcome").tag("status", "accepted").register(metrics);
        this.rejected = Counter.builder("account.commands.outcome").tag("status", "rejected").register(metrics);
        this.deadLettered = Counter.builder("account.commands.dead_lettered").register(metrics);
    }

    /** What a record leads to once the batch is committed: a result, a dead letter, or both. */
    private record Outgoing(CommandResult result, ConsumerRecord<String, byte[]> deadLetter, String reason) {
    }

    @KafkaListener(id = "account-command-intake", groupId = "${spring.kafka.consumer.group-id:account-service}",
                   topics = KafkaTopics.COMMANDS, batch = "true",
                   containerFactory = "commandIntakeContainerFactory",
                   autoStartup = "${account.kafka.intake.enabled:true}")
    void receive(List<ConsumerRecord<String, byte[]>> records) {
        List<Outgoing> outgoing = batchTransaction.execute(status -> {
            List<Outgoing> out = new ArrayList<>(records.size());
            for (ConsumerRecord<String, byte[]> record : records) {
                out.add(process(record));
            }
            return out;
        });
        publish(outgoing);
    }

    private Outgoing process(ConsumerRecord<String, byte[]> record) {
        consumed.increment();
        ParsedCommand command;
        try {
            command = parser.parse(record.value());
        } catch (InvalidCommandException e) {
            CommandResult result = null;
            if (e.commandId() != null) {
                result = recorded(ProcessedCommands.rejected(e.commandId(), e.accountId(), e.getMessage(),
                                                             now()), null, e.getMessage());
            }
            return new Outgoing(result, record, e.getMessage());
        }
        var earlier = processed.find(command.commandId());
        if (earlier.isPresent()) {
            // A redelivery or a re-send: the same result, no new effect, and the dead letter again if there was one.
            String deadLetterReason = earlier.get().deadLetterReason();
            return new Outgoing(earlier.get().result(), deadLetterReason == null ? null : record, deadLetterReason);
        }
        Origin origin = Origin.of(command.issuedBy() == null ? "kafka:unknown" : command.issuedBy(),
                                  command.commandId().toString());
        for (int attempt = 1; ; attempt++) {
            try {
                // The outcome row is the claim, inside the command's savepoint: a concurrent delivery of the same
                // command (a rebalance, a re-send on another partition) waits on it and finds it taken.
                CommandResult outcome = commandSavepoint.execute(status -> {
                    CommandResult accepted = ProcessedCommands.accepted(command.commandId(), command.accountId(), now());
                    if (!processed.record(accepted, command.type(), null)) {
                        status.setRollbackOnly();
                        return null;
                    }
                    command.execution().run(commands, origin);
                    return accepted;
                });
                if (outcome == null) {
                    return new Outgoing(processed.find(command.commandId()).orElseThrow().result(), null, null);
                }
                return new Outgoing(outcome, null, null);
            } catch (ConcurrencyException e) {
                if (attempt == CONCURRENCY_ATTEMPTS) {
                    return rejectedOutgoing(command, "Another change to this account was stored at the same moment "
                                                     + CONCURRENCY_ATTEMPTS + " times; send the command again", null);
                }
            } catch (AccountRuleViolationException e) {
                return rejectedOutgoing(command, "Invalid account fields: " + describe(e.violations()), record);
            } catch (AccountAlreadyExistsException e) {
                return rejectedOutgoing(command, e.getMessage() + "; account ids are never reused", null);
            } catch (AccountQuarantinedException | AccountPurgedException | DeletionConflictException
                     | DeletionBreakerOpenException e) {
                return rejectedOutgoing(command, e.getMessage(), null);
            } catch (AggregateNotFoundException e) {
                return rejectedOutgoing(command, "No account " + command.accountId(), null);
            } catch (RuntimeException e) {
                if (databaseUnavailable()) {
                    throw e; // infrastructure, not the record: the whole batch is retried, nothing is lost
                }
                log.error("Command {} failed unexpectedly; dead-lettering it", command.commandId(), e);
                return rejectedOutgoing(command, "The service could not process this command: " + e, record);
            }
        }
    }

    private Outgoing rejectedOutgoing(ParsedCommand command, String reason, ConsumerRecord<String, byte[]> deadLetter) {
        CommandResult result = recorded(ProcessedCommands.rejected(command.commandId(), command.accountId(), reason,
                                                                   now()), command.type(),
                                        deadLetter == null ? null : reason);
        return new Outgoing(result, deadLetter, reason);
    }

    /** The stored outcome: ours, or the one a concurrent delivery of the same command recorded first. */
    private CommandResult recorded(CommandResult result, String type, String deadLetterReason) {
        if (processed.record(result, type, deadLetterReason)) {
            return result;
        }
        return processed.find(result.commandId()).map(ProcessedCommands.Stored::result).orElse(result);
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

    private void publish(List<Outgoing> outgoing) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (Outgoing out : outgoing) {
            if (out.deadLetter() != null) {
                sends.add(deadLetters.send(out.deadLetter(), out.reason()));
                deadLettered.increment();
            }
            if (out.result() != null) {
                (out.result().status() == CommandStatus.ACCEPTED ? accepted : rejected).increment();
                sends.add(kafka.send(KafkaTopics.COMMAND_RESULTS, out.result().commandId().toString(),
                                     json.writeValueAsString(out.result())));
            }
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            // Offsets stay uncommitted: the batch is redelivered and answered from processed_command.
            throw new IllegalStateException("Results or dead letters were not acknowledged by the broker", e);
        }
    }

    private static String describe(Map<String, String> violations) {
        return violations.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                         .collect(Collectors.joining("; "));
    }
}
