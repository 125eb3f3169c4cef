package io.accountlifecycle.purge.pause;

/** Whether purges are paused service-wide right now. */
public interface PurgePause {

    boolean isPaused();
}
