package io.accountlifecycle.service.command;

import io.accountlifecycle.api.ChangeAccountPlanCommand;
import io.accountlifecycle.api.OpenAccountCommand;
import io.accountlifecycle.api.PausePurgesCommand;
import io.accountlifecycle.api.Plan;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The cached resolver answers every command exactly as Axon's own, which looks the members up on every call. */
class CachedCommandTargetResolverTest {

    private final CachedCommandTargetResolver cached = new CachedCommandTargetResolver();
    private final AnnotationCommandTargetResolver axon = AnnotationCommandTargetResolver.builder().build();

    record Versioned(@TargetAggregateIdentifier String id, @TargetAggregateVersion Long version) {
    }

    record VersionAsText(@TargetAggregateIdentifier UUID id, @TargetAggregateVersion String version) {
    }

    /** Annotated on a getter only, and on a field of a superclass. */
    static class ByGetter {
        private final String key;

        ByGetter(String key) {
            this.key = key;
        }

        @TargetAggregateIdentifier
        public String key() {
            return "getter-" + key;
        }
    }

    static class Base {
        @TargetAggregateIdentifier
        final UUID inherited = UUID.fromString("00000000-0000-0000-0000-000000000042");
    }

    static class Sub extends Base {
        final String other = "x";
    }

    record NoIdentifier(String name) {
    }

    record NullIdentifier(@TargetAggregateIdentifier UUID id) {
    }

    record BadVersion(@TargetAggregateIdentifier String id, @TargetAggregateVersion String version) {
    }

    private static CommandMessage<?> message(Object payload) {
        return GenericCommandMessage.asCommandMessage(payload);
    }

    @Test
    void everyKindOfCommandResolvesAsAxonResolvesIt() {
        UUID account = UUID.randomUUID();
        List<Object> commands = List.of(
                new OpenAccountCommand(account, null, null, Plan.FREE, false),
                new ChangeAccountPlanCommand(account, Plan.STANDARD),
                new PausePurgesCommand("purge-control", "incident", "admin"),
                new Versioned("a", 7L), new Versioned("b", null), new VersionAsText(account, "12"),
                new ByGetter("k"), new Sub());
        for (Object command : commands) {
            // Twice: the second call answers from the cache.
            for (int call = 0; call < 2; call++) {
                VersionedAggregateIdentifier ours = cached.resolveTarget(message(command));
                VersionedAggregateIdentifier theirs = axon.resolveTarget(message(command));
                assertThat(ours.getIdentifierValue()).as("%s", command).isEqualTo(theirs.getIdentifierValue());
                assertThat(ours.getVersion()).as("%s", command).isEqualTo(theirs.getVersion());
            }
        }
        assertThat(cached.resolveTarget(message(new OpenAccountCommand(account, null, null, Plan.FREE, false)))
                         .getIdentifierValue()).isEqualTo(account);
        assertThat(cached.resolveTarget(message(new Versioned("a", 7L))).getVersion()).isEqualTo(7L);
        assertThat(cached.resolveTarget(message(new ByGetter("k"))).getIdentifier()).isEqualTo("getter-k");
    }

    @Test
    void aCommandThatNamesNoAggregateGetsAxonsOwnError() {
        for (Object command : List.of(new NoIdentifier("n"), new NullIdentifier(null), new BadVersion("a", "x"))) {
            Throwable expected = catchThrowable(
                    () -> axon.resolveTarget(message(command)));
            assertThat(expected).as("%s", command).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cached.resolveTarget(message(command))).as("%s", command)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(expected.getMessage());
        }
    }
}
