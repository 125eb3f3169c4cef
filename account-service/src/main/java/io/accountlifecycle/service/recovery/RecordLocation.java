package io.accountlifecycle.service.recovery;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a record is on the broker, written {@code topic:partition:offset}: how a restore names a record it refuses and
 * how an operator names one to skip ({@code --skip}). Kafka topic names hold no colon, so the text is unambiguous.
 */
record RecordLocation(String topic, int partition, long offset) implements Comparable<RecordLocation> {

    private static final Comparator<RecordLocation> ORDER = Comparator.comparing(RecordLocation::topic)
            .thenComparingInt(RecordLocation::partition).thenComparingLong(RecordLocation::offset);

    static RecordLocation of(ConsumerRecord<?, ?> record) {
        return new RecordLocation(record.topic(), record.partition(), record.offset());
    }

    /** {@code topic:partition:offset}. */
    static RecordLocation parse(String text) {
        String[] parts = text.strip().split(":");
        try {
            if (parts.length != 3 || parts[0].isEmpty()) {
                throw new IllegalArgumentException();
            }
            RecordLocation location = new RecordLocation(parts[0], Integer.parseInt(parts[1]),
                                                         Long.parseLong(parts[2]));
            if (location.partition < 0 || location.offset < 0) {
                throw new IllegalArgumentException();
            }
            return location;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a record: \"" + text + "\" (expected topic:partition:offset, "
                                               + "e.g. account.events:0:1234)");
        }
    }

    /** The locations that {@code --skip} options name: repeatable, each a comma-separated list. */
    static Set<RecordLocation> parseAll(List<String> values) {
        Set<RecordLocation> locations = new LinkedHashSet<>();
        for (String value : values) {
            for (String one : value.split(",")) {
                if (!one.isBlank()) {
                    locations.add(parse(one));
                }
            }
        }
        return locations;
    }

    /** The {@code --skip} argument that goes past exactly these records. */
    static String skipArgument(Iterable<RecordLocation> locations) {
        List<String> texts = new ArrayList<>();
        locations.forEach(location -> texts.add(location.toString()));
        return "--skip " + String.join(",", texts);
    }

    @Override
    public int compareTo(RecordLocation other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return topic + ":" + partition + ":" + offset;
    }
}
