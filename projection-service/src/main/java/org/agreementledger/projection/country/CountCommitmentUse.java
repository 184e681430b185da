package org.agreementledger.projection.country;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.stereotype.Component;

/**
 * Migration 8: counts the use of commitments (V7 made the table) for the transfers the views already held, with the
 * contract's coverage rules, which SQL cannot apply. Spring Boot hands Flyway the Java migrations that are beans.
 */
@Component
class CountCommitmentUse implements JavaMigration {

    private final CommitmentUseProjector projector;

    CountCommitmentUse(CommitmentUseProjector projector) {
        this.projector = projector;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("8");
    }

    @Override
    public String getDescription() {
        return "count commitment use";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) {
        JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(context.getConnection(), true));
        jdbc.execute("SET LOCAL search_path TO views, public");
        projector.recountAll(jdbc);
    }
}
