package io.accountlifecycle.service.command;

import io.accountlifecycle.testsupport.RealInfrastructureContextCustomizerFactory;
import io.accountlifecycle.testsupport.RealPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Group commit on a real PostgreSQL: commands waiting together share one transaction, each in its own savepoint. A
 * command that fails (a constraint PostgreSQL enforces, which aborts the transaction, or an exception after its
 * writes) takes only its own writes back and gets its own exception; the others are answered only once their rows are
 * committed; and a group whose commit fails answers every member with that failure, acknowledging nothing.
 */
@RealPostgres(database = CommandGroupsIT.DATABASE)
class CommandGroupsIT {

    static final String DATABASE = "accounts_groups";

    private JdbcTemplate jdbc;
    private JdbcTemplate observer;
    private SimpleMeterRegistry metrics;
    private CommandGroups groups;
    private ExecutorService callers;

    @BeforeEach
    void setUp() {
        Map<String, Object> properties = RealInfrastructureContextCustomizerFactory.datasourceProperties(
                DATABASE, "account_owner");
        String url = (String) properties.get("spring.datasource.url");
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url, "account_owner", "account_owner");
        jdbc = new JdbcTemplate(dataSource);
        observer = new JdbcTemplate(new DriverManagerDataSource(url, "account_owner", "account_owner"));
        jdbc.execute("drop table if exists group_probe");
        jdbc.execute("create table group_probe (id int primary key, "
                     + "tag text unique deferrable initially deferred)");
        metrics = new SimpleMeterRegistry();
        // One committer: while the first command holds it, the others queue up and form the next group.
        groups = new CommandGroups(new DataSourceTransactionManager(dataSource), metrics, true, 1, 32);
        groups.start();
        callers = Executors.newFixedThreadPool(12);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        callers.shutdownNow();
        callers.awaitTermination(10, TimeUnit.SECONDS);
        groups.stop();
    }

    @Test
    void oneFailingCommandAmongManyFailsAloneAndEveryCallerGetsItsOwnAnswerAfterTheCommit() throws Exception {
        CountDownLatch othersQueued = new CountDownLatch(1);
        Future<?> blocker = callers.submit(() -> groups.run(() -> {
            insert(100);
            hold(othersQueued);
        }));
        await().atMost(Duration.ofSeconds(10)).until(() -> groups.queued() == 0 && !blocker.isDone());

        List<Future<Boolean>> answers = new ArrayList<>();
        for (int id = 1; id <= 9; id++) {
            int command = id;
            answers.add(callers.submit(() -> {
                groups.run(() -> {
                    switch (command) {
                        case 3 -> insert(100); // a duplicate key: PostgreSQL aborts the transaction
                        case 6 -> {
                            insert(6);
                            throw new IllegalArgumentException("command six refused after its write");
                        }
                        default -> insert(command);
                    }
                });
                // Answered: the row must already be visible to anyone else.
                return observer.queryForObject("select count(*) from group_probe where id = ?", Integer.class,
                                               command) == 1;
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> groups.queued() == 9);
        othersQueued.countDown();
        blocker.get(10, TimeUnit.SECONDS);

        for (int id = 1; id <= 9; id++) {
            Future<Boolean> answer = answers.get(id - 1);
            if (id == 3) {
                assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(
                        DuplicateKeyException.class);
            } else if (id == 6) {
                assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("command six refused");
            } else {
                assertThat(answer.get(10, TimeUnit.SECONDS)).as("command %d visible when answered", id).isTrue();
            }
        }
        assertThat(observer.queryForList("select id from group_probe order by id", Integer.class))
                .containsExactly(1, 2, 4, 5, 7, 8, 9, 100);
        // The nine were one group: one commit for all of them.
        assertThat(metrics.get("account.commands.group.size").summary().max()).isEqualTo(9);
        assertThat(metrics.get("account.commands.group.size").summary().count()).isEqualTo(2);
    }

    @Test
    void aGroupWhoseCommitFailsAcknowledgesNone() throws Exception {
        CountDownLatch othersQueued = new CountDownLatch(1);
        Future<?> blocker = callers.submit(() -> groups.run(() -> hold(othersQueued)));
        await().atMost(Duration.ofSeconds(10)).until(() -> groups.queued() == 0 && !blocker.isDone());

        List<Future<?>> answers = new ArrayList<>();
        for (int id = 1; id <= 4; id++) {
            int command = id;
            // Commands 2 and 4 share a tag whose uniqueness PostgreSQL checks only at commit.
            String tag = command % 2 == 0 ? "shared" : "own-" + command;
            answers.add(callers.submit(() -> groups.run(
                    () -> jdbc.update("insert into group_probe (id, tag) values (?, ?)", command, tag))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> groups.queued() == 4);
        othersQueued.countDown();
        blocker.get(10, TimeUnit.SECONDS);

        for (Future<?> answer : answers) {
            assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TransactionSystemException.class)
                    .hasRootCauseMessage("ERROR: duplicate key value violates unique constraint \"group_probe_tag_key\"\n"
                                         + "  Detail: Key (tag)=(shared) already exists.");
        }
        assertThat(observer.queryForObject("select count(*) from group_probe", Integer.class)).isZero();
    }

    @Test
    void aCommandInsideATransactionJoinsItInsteadOfWaitingForAGroup() {
        var template = new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
        assertThatThrownBy(() -> template.executeWithoutResult(status -> {
            groups.run(() -> insert(1));
            throw new IllegalStateException("the caller's transaction rolls back");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(observer.queryForObject("select count(*) from group_probe", Integer.class)).isZero();
        assertThat(metrics.get("account.commands.group.size").summary().count()).isZero();
    }

    private void insert(int id) {
        jdbc.update("insert into group_probe (id) values (?)", id);
    }

    private static void hold(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
