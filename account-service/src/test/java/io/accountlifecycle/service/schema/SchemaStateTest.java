package io.accountlifecycle.service.schema;

import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a service without the owner's credentials may start, and what it says while it may not. */
class SchemaStateTest {

    private static final MigrationVersion BUILD = MigrationVersion.fromVersion("20261206.1");

    @Test
    void anOlderOrAbsentSchemaHoldsTheServiceAndSaysHowToMigrate() {
        SchemaState older = SchemaState.of(MigrationVersion.fromVersion("20261205.5"), BUILD);
        assertThat(older.ready()).isFalse();
        assertThat(older.message()).isEqualTo("Schema at version 20261205.5, this build needs 20261206.1: run the "
                                              + "migration Job (or `java -jar account-service.jar migrate` as the "
                                              + "database owner)");
        SchemaState absent = SchemaState.of(null, BUILD);
        assertThat(absent.ready()).isFalse();
        assertThat(absent.message()).startsWith("No schema yet, this build needs version 20261206.1: run the");
        assertThat(SchemaState.historyNotReadable("account_app", BUILD).ready()).isFalse();
        assertThat(SchemaState.databaseNotReadable("Connection refused", BUILD).message())
                .isEqualTo("The database cannot be read (Connection refused); this build needs schema version "
                           + "20261206.1");
    }

    @Test
    void aCurrentOrNewerSchemaLetsItStart() {
        assertThat(SchemaState.of(BUILD, BUILD).ready()).isTrue();
        assertThat(SchemaState.of(BUILD, BUILD).newer()).isFalse();
        // An image rolled back over a migrated database: warned about, never blocked.
        SchemaState newer = SchemaState.of(MigrationVersion.fromVersion("20270101.1"), BUILD);
        assertThat(newer.ready()).isTrue();
        assertThat(newer.newer()).isTrue();
        assertThat(newer.message()).contains("newer than this build's 20261206.1", "starting anyway");
        // Versions compare as Flyway orders them, not as text.
        assertThat(SchemaState.of(MigrationVersion.fromVersion("20261206.10"), BUILD).newer()).isTrue();
    }
}
