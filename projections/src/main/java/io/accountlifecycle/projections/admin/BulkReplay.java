package io.accountlifecycle.projections.admin;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The bulk phase of a replay: the projection's processor is stopped and its tables emptied, then the whole store is
 * read in pages by one thread (fetch and deserialise) while another applies them through the projection's own
 * handler invoker — dead-letter queue, guard and batched writes included — one transaction per page, which also
 * stores every segment's token. Once a page comes back empty the processor starts again from there and follows the
 * head as usual. Axon's processor does the same work at a third of this rate: its coordinator checks every event
 * against every handler of every work package before any handler runs. A crash mid-way loses nothing: the processor
 * resumes from the last page's tokens.
 */
final class BulkReplay implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(BulkReplay.class);
    private static final List<TrackedEventMessage<?>> END = List.of();

    private final String name;
    private final StreamingEventProcessor processor;
    private final EventStorageEngine storage;
    private final TokenStore tokens;
    private final TransactionManager transactions;
    private final int pageSize;
    private final JdbcTemplate jdbc;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicReference<TrackingToken> position = new AtomicReference<>();

    BulkReplay(String name, StreamingEventProcessor processor, EventStorageEngine storage, TokenStore tokens,
               TransactionManager transactions, int pageSize, JdbcTemplate jdbc) {
        this.name = name;
        this.processor = processor;
        this.storage = storage;
        this.tokens = tokens;
        this.transactions = transactions;
        this.pageSize = pageSize;
        this.jdbc = jdbc;
    }

    long applied() {
        return applied.get();
    }

    TrackingToken position() {
        return position.get();
    }

    @Override
    public void run() {
        long started = System.nanoTime();
        try {
            int[] segments = transactions.fetchInTransaction(() -> tokens.fetchSegments(name));
            EventHandlerInvoker invoker = ((AbstractEventProcessor) processor).eventHandlerInvoker();
            BlockingQueue<List<TrackedEventMessage<?>>> pages = new ArrayBlockingQueue<>(2);
            AtomicReference<Throwable> readFailure = new AtomicReference<>();
            Thread reader = new Thread(() -> read(pages, readFailure), "BulkReplay[" + name + "]-reader");
            reader.setDaemon(true);
            reader.start();
            try {
                List<TrackedEventMessage<?>> page;
                while ((page = take(pages, readFailure)) != END) {
                    apply(page, invoker, segments);
                }
            } finally {
                reader.interrupt();
            }
            log.info("Replay of {}: {} events applied in bulk in {} ms; its processor follows from here", name,
                     applied.get(), (System.nanoTime() - started) / 1_000_000);
        } catch (Exception | Error e) {
            log.error("Replay of {} stopped after {} events; its processor resumes from the last stored page", name,
                      applied.get(), e);
        } finally {
            processor.start();
        }
    }

    /** Reads pages of events from the store, deserialised, one or two ahead of the thread applying them. */
    private void read(BlockingQueue<List<TrackedEventMessage<?>>> pages, AtomicReference<Throwable> failure) {
        try {
            TrackingToken after = null;
            while (true) {
                List<TrackedEventMessage<?>> page = new ArrayList<>(pageSize);
                try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(after, false)) {
                    events.limit(pageSize).forEach(event -> {
                        event.getPayload();
                        event.getMetaData();
                        page.add(event);
                    });
                }
                if (page.isEmpty()) {
                    pages.put(END);
                    return;
                }
                after = page.get(page.size() - 1).trackingToken();
                pages.put(page);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            failure.set(e);
        }
    }

    private static List<TrackedEventMessage<?>> take(BlockingQueue<List<TrackedEventMessage<?>>> pages,
                                                     AtomicReference<Throwable> failure) throws InterruptedException {
        while (true) {
            List<TrackedEventMessage<?>> page = pages.poll(1, TimeUnit.SECONDS);
            if (page != null) {
                return page;
            }
            if (failure.get() != null) {
                throw new IllegalStateException("Reading the event store failed", failure.get());
            }
        }
    }

    /**
     * One page in one transaction, with every segment's token. A page whose writes fail in the database is rolled
     * back and applied again, now carefully (the guard turned careful), so the failing event is parked instead.
     */
    private void apply(List<TrackedEventMessage<?>> page, EventHandlerInvoker invoker, int[] segments) {
        TrackingToken last = page.get(page.size() - 1).trackingToken();
        for (int attempt = 1; ; attempt++) {
            BatchingUnitOfWork<EventMessage<?>> unit = new BatchingUnitOfWork<>(new ArrayList<>(page));
            unit.attachTransaction(transactions);
            // A page lost to a crash is simply applied again (its tokens commit with it): no need to wait for the
            // disk at every page.
            unit.onPrepareCommit(u -> {
                jdbc.execute("set local synchronous_commit = off");
                for (int segment : segments) {
                    tokens.storeToken(last, name, segment);
                }
            });
            try {
                ResultMessage<?> result = unit.executeWithResult(() -> {
                    invoker.handle(unit.getMessage(), Segment.ROOT_SEGMENT);
                    return null;
                }, RollbackConfigurationType.ANY_THROWABLE);
                if (result.isExceptional()) {
                    Throwable failure = result.exceptionResult();
                    throw failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
                }
                applied.addAndGet(page.size());
                position.set(last);
                return;
            } catch (RuntimeException e) {
                if (attempt >= 3) {
                    throw e;
                }
                log.warn("Replay of {}: a page failed ({}); applying it again event by event", name, e.toString());
            }
        }
    }
}
