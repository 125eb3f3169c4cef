package io.accountlifecycle.service.schema;

import org.flywaydb.core.api.MigrationVersion;

/**
 * The database's schema against the newest migration this build carries, and the sentence that says so to an
 * operator: in the log and in the readiness answer while the service waits.
 *
 * @param applied the newest migration applied; null when none is, or when the history could not be read
 * @param problem what kept the history from being read, said in full; null when it was read
 */
record SchemaState(MigrationVersion applied, MigrationVersion required, String problem) {

    private static final String HOW_TO_MIGRATE = "run the migration Job (or `java -jar account-service.jar migrate` as the "
                                         + "database owner)";

    static SchemaState of(MigrationVersion applied, MigrationVersion required) {
        return new SchemaState(applied, required, null);
    }

    /** The application role may read the history only from a migration this build carries on. */
    static SchemaState historyNotReadable(String role, MigrationVersion required) {
        return new SchemaState(null, required, "Schema older than version " + required + ", which this build needs ("
                                               + role + " may not read the migration history yet): "
                                               + HOW_TO_MIGRATE);
    }

    static SchemaState databaseNotReadable(String reason, MigrationVersion required) {
        return new SchemaState(null, required, "The database cannot be read (" + reason + "); this build needs "
                                               + "schema version " + required);
    }

    /** Current or newer: a newer schema is an image rolled back over a migrated database, which must not block. */
    boolean ready() {
        return problem == null && applied != null && applied.compareTo(required) >= 0;
    }

    boolean newer() {
        return problem == null && applied != null && applied.compareTo(required) > 0;
    }

    String message() {
        if (problem != null) {
            return problem;
        }
        if (applied == null) {
            return "No schema yet, this build needs version " + required + ": " + HOW_TO_MIGRATE;
        }
        int order = applied.compareTo(required);
        if (order < 0) {
            return "Schema at version " + applied + ", this build needs " + required + ": " + HOW_TO_MIGRATE;
        }
        if (order > 0) {
            return "Schema at version " + applied + ", newer than this build's " + required
                   + " (an older image over a newer schema): starting anyway";
        }
        return "Schema at version " + applied + ", as this build needs";
    }
}
