package io.accountlifecycle.service.eventstore;

/** The name an event goes by outside Java (history, event topic): its class name without the {@code Event} suffix. */
public final class EventTypes {

    private EventTypes() {
    }

    public static String nameOf(Class<?> payloadType) {
        return withoutSuffix(payloadType.getSimpleName());
    }

    /** The name of the event whose payload class is named {@code payloadType} (as the store has it). */
    public static String nameOf(String payloadType) {
        return withoutSuffix(payloadType.substring(Math.max(payloadType.lastIndexOf('.'),
                                                            payloadType.lastIndexOf('$')) + 1));
    }

    private static String withoutSuffix(String simpleName) {
        return simpleName.endsWith("Event") ? simpleName.substring(0, simpleName.length() - 5) : simpleName;
    }
}
