package io.accountlifecycle.service.eventstore;

/** The name an event goes by outside Java (history, event topic): its class name without the {@code Event} suffix. */
public final class EventTypes {

    private EventTypes() {
    }

    public static String nameOf(Class<?> payloadType) {
        String simpleName = payloadType.getSimpleName();
        return simpleName.endsWith("Event") ? simpleName.substring(0, simpleName.length() - 5) : simpleName;
    }
}
