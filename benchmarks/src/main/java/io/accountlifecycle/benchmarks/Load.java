package io.accountlifecycle.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Runs the same worker on N threads for a fixed time; each worker loops until told to stop. */
final class Load {

    private Load() {
    }

    /** Runs {@code worker} on {@code threads} threads for {@code seconds}; returns the elapsed seconds. */
    static double run(int threads, int seconds, Consumer<BooleanSupplier> worker) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            running.add(new Thread(() -> worker.accept(stop::get)));
        }
        long start = System.nanoTime();
        running.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread t : running) {
            t.join();
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
