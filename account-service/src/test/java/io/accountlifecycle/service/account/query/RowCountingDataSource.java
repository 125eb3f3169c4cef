package io.accountlifecycle.service.account.query;

import org.springframework.jdbc.datasource.DelegatingDataSource;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A data source that counts the rows its result sets hand out: what a reader fetched from the server, whatever it
 * kept of them and whichever JDBC calls it made to get them.
 */
final class RowCountingDataSource extends DelegatingDataSource {

    private static final Set<Class<?>> WRAPPED = Set.of(Connection.class, Statement.class, PreparedStatement.class,
                                                        CallableStatement.class, ResultSet.class);

    private final AtomicLong rows = new AtomicLong();

    RowCountingDataSource(DataSource target) {
        super(target);
    }

    long rowsFetched() {
        return rows.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return (Connection) counting(super.getConnection(), Connection.class);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return (Connection) counting(super.getConnection(username, password), Connection.class);
    }

    /** {@code target} behind a proxy of {@code type} that counts rows, and wraps what it hands out likewise. */
    private Object counting(Object target, Class<?> type) {
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (target instanceof ResultSet && method.getName().equals("next") && Boolean.TRUE.equals(result)) {
                rows.incrementAndGet();
            }
            return result != null && WRAPPED.contains(method.getReturnType()) ? counting(result, method.getReturnType())
                                                                               : result;
        });
    }
}
