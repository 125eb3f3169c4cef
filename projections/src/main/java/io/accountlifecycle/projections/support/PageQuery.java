package io.accountlifecycle.projections.support;

import io.accountlifecycle.api.PageView;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One page of a read model: filters become bound parameters, the sort a whitelisted column, and only the page's
 * rows leave the database (a count gives the total). A long read (an export) goes on page after page by keyset.
 */
public final class PageQuery {

    private final String table;
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> arguments = new ArrayList<>();
    private String orderBy;

    private PageQuery(String table) {
        this.table = table;
    }

    public static PageQuery from(String table) {
        return new PageQuery(table);
    }

    /** Adds {@code condition} (with one {@code ?}) when {@code value} is given. */
    public PageQuery where(String condition, Object value) {
        if (value != null) {
            conditions.add(condition);
            arguments.add(value);
        }
        return this;
    }

    /**
     * Orders by {@code sort} ("field" or "field,asc|desc"), one of {@code sortable}'s keys (mapped to its column),
     * then by {@code tieBreak} so that pages never overlap.
     */
    public PageQuery orderBy(String sort, Map<String, String> sortable, String tieBreak) {
        String[] parts = sort.split(",", -1);
        String column = sortable.get(parts[0].trim());
        if (column == null || parts.length > 2) {
            throw new InvalidQueryException("sort", "'" + sort + "' is not a sort order; use one of "
                                                    + sortable.keySet() + ", optionally followed by ,asc or ,desc");
        }
        String direction = parts.length == 2 ? parts[1].trim().toLowerCase(Locale.ROOT) : "asc";
        if (!direction.equals("asc") && !direction.equals("desc")) {
            throw new InvalidQueryException("sort", "direction '" + parts[1] + "' is neither asc nor desc");
        }
        String nulls = direction.equals("asc") ? " nulls last" : " nulls first";
        orderBy = column + " " + direction + nulls + ", " + tieBreak + " " + direction;
        return this;
    }

    public PageQuery orderBy(String fixedOrder) {
        orderBy = fixedOrder;
        return this;
    }

    public <T> PageView<T> page(JdbcTemplate jdbc, String columns, int page, int size, RowMapper<T> rows) {
        String where = where(List.of());
        Long total = jdbc.queryForObject("select count(*) from " + table + where, Long.class, arguments.toArray());
        List<Object> pageArguments = new ArrayList<>(arguments);
        pageArguments.add(size);
        pageArguments.add((long) page * size);
        List<T> items = jdbc.query("select " + columns + " from " + table + where + " order by " + orderBy
                                   + " limit ? offset ?", rows, pageArguments.toArray());
        long all = total == null ? 0 : total;
        return new PageView<>(items, page, size, all, (long) (page + 1) * size < all);
    }

    /**
     * At most {@code limit} rows in this query's order, and of those only the ones past {@code after} (a condition on
     * the last row already read, null for none): how a long read goes on from where it stopped (keyset paging), since
     * an offset would shift under rows added meanwhile and make the database skip ever more rows.
     */
    public <T> List<T> rows(JdbcTemplate jdbc, String columns, String after, List<Object> afterArguments, int limit,
                            RowMapper<T> rows) {
        List<Object> all = new ArrayList<>(arguments);
        all.addAll(afterArguments);
        all.add(limit);
        String where = where(after == null ? List.of() : List.of("(" + after + ")"));
        return jdbc.query("select " + columns + " from " + table + where + " order by " + orderBy + " limit ?", rows,
                          all.toArray());
    }

    /** How many rows match, counting no further than {@code most}. */
    public long countUpTo(JdbcTemplate jdbc, long most) {
        List<Object> all = new ArrayList<>(arguments);
        all.add(most);
        Long count = jdbc.queryForObject("select count(*) from (select 1 from " + table + where(List.of())
                                         + " limit ?) matching", Long.class, all.toArray());
        return count == null ? 0 : count;
    }

    private String where(List<String> more) {
        List<String> all = new ArrayList<>(conditions);
        all.addAll(more);
        return all.isEmpty() ? "" : " where " + String.join(" and ", all);
    }
}
