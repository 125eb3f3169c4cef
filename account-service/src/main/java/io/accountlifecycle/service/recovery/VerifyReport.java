package io.accountlifecycle.service.recovery;

import io.accountlifecycle.service.eventstore.EventStoreConfiguration;
import io.accountlifecycle.service.eventstore.EventTable;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.PrintStream;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Row counts and order-independent checksums of what a restore must bring back: the event store (every column, the
 * JSON of payload and metadata compared as JSON), the wrapped data keys, the purge deadlines by instant, and every
 * projection table. Two reports of the same data are identical whatever order the rows were written in, so an
 * operator compares the one taken before a loss (or of the source) with the one after the restore.
 */
public class VerifyReport {

    /** Per table: an expression of one row as text. */
    private static final Map<String, String> STORE = new LinkedHashMap<>();

    static {
        EventSchema events = EventStoreConfiguration.eventSchema();
        STORE.put(events.domainEventTable(), EventTable.rowsAsText(events));
        STORE.put("account_data_key", """
                select key_id || '|' || encode(wrapped_key, 'base64') as row from account_data_key""");
        STORE.put("purge_deadlines", """
                select to_char(execution_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as row
                from scheduled_tasks""");
    }

    private final JdbcTemplate jdbc;

    public VerifyReport(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One line per table: name, rows, checksum. */
    public List<String> lines() {
        Map<String, String> queries = new LinkedHashMap<>(STORE);
        for (String table : jdbc.queryForList("""
                select table_name from information_schema.tables
                where table_schema = 'projection' and table_type = 'BASE TABLE' order by table_name""",
                                              String.class)) {
            queries.put("projection." + table, "select t::text as row from projection." + table + " t");
        }
        // One connection, in UTC: a timestamp's text must not depend on the server's or the session's zone.
        return jdbc.execute((ConnectionCallback<List<String>>) connection -> {
            List<String> lines = new ArrayList<>();
            try (Statement statement = connection.createStatement()) {
                statement.execute("set time zone 'UTC'");
                for (Map.Entry<String, String> table : queries.entrySet()) {
                    try (ResultSet result = statement.executeQuery(
                            "select count(*), coalesce(md5(string_agg(md5(row), '' order by md5(row))), '-') "
                            + "from (" + table.getValue() + ") rows")) {
                        result.next();
                        lines.add("%-40s %12d  %s".formatted(table.getKey(), result.getLong(1),
                                                            result.getString(2)));
                    }
                }
                statement.execute("reset time zone");
            }
            return lines;
        });
    }

    public void print(PrintStream out) {
        out.printf("%-40s %12s  %s%n", "table", "rows", "checksum");
        lines().forEach(out::println);
    }
}
