package io.accountlifecycle.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A running PostgreSQL server for tests, whichever way it was started, reached as its superuser. */
public abstract class PostgresServer implements AutoCloseable {

    public abstract String host();

    public abstract int port();

    public abstract String superuser();

    public abstract String superuserPassword();

    /** How it was started, for the test log: {@code testcontainers} or {@code embedded}. */
    public abstract String kind();

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    public Connection connectAsSuperuser(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), superuser(), superuserPassword());
    }

    /**
     * Creates {@code owner} (a login role with CREATEROLE, password equal to its name) and a database it owns, unless
     * they exist: the same shape the service's embedded default bootstraps, so tests run as the owner, not as a
     * superuser.
     */
    public synchronized void ensureDatabase(String database, String owner) {
        try (Connection connection = connectAsSuperuser("postgres");
             Statement statement = connection.createStatement()) {
            if (!exists(connection, "select 1 from pg_roles where rolname = ?", owner)) {
                statement.execute("create role " + ident(owner) + " login createrole password '" + owner + "'");
            }
            if (!exists(connection, "select 1 from pg_database where datname = ?", database)) {
                statement.execute("create database " + ident(database) + " owner " + ident(owner));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + database, e);
        }
    }

    /** Drops {@code database} (ending its sessions) and creates it again, empty. */
    public synchronized void recreateDatabase(String database, String owner) {
        try (Connection connection = connectAsSuperuser("postgres");
             Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + ident(database) + " with (force)");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot drop test database " + database, e);
        }
        ensureDatabase(database, owner);
    }

    private static boolean exists(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
