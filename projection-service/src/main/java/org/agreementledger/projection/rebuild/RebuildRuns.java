package org.agreementledger.projection.rebuild;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.projection.consumer.ViewLocks;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * Every rebuild, on record in the projection's database ({@code public.rebuild_run}, beside the views it replaces), so
 * that any instance sharing the database answers how the latest went, after a restart too; one whose instance stopped
 * before it ended is {@code INTERRUPTED}: still marked running, but nobody holds the rebuild's lock.
 */
@Component
class RebuildRuns {

    /** This instance, as the JVM names itself: its process id and host. */
    static final String INSTANCE = ManagementFactory.getRuntimeMXBean().getName();

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final ViewLocks locks;

    RebuildRuns(JdbcTemplate jdbc, ObjectMapper json, ViewLocks locks) {
        this.jdbc = jdbc;
        this.json = json;
        this.locks = locks;
    }

    /** @return the run's number */
    long started(Instant at) {
        Long run = jdbc.queryForObject("INSERT INTO public.rebuild_run (instance, state, started_at) VALUES (?, 'RUNNING', ?) "
                + "RETURNING id", Long.class, INSTANCE, Timestamp.from(at));
        return run == null ? 0 : run;
    }

    void progress(long run, long recordsReplayed) {
        jdbc.update("UPDATE public.rebuild_run SET records_replayed = ? WHERE id = ?", recordsReplayed, run);
    }

    void ended(long run, ProjectionRebuild.Report report, long recordsReplayed) {
        try {
            jdbc.update("UPDATE public.rebuild_run SET state = ?, ended_at = now(), records_replayed = ?, report = ?::json "
                    + "WHERE id = ?", report == null ? "FAILED" : "DONE", recordsReplayed,
                    report == null ? null : json.writeValueAsString(report), run);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a rebuild's report could not be written as JSON", e);
        }
    }

    ProjectionRebuild.Status latest() {
        List<ProjectionRebuild.Status> latest = jdbc.query("""
                SELECT id, instance, state, started_at, ended_at, records_replayed, report::text
                FROM public.rebuild_run ORDER BY id DESC LIMIT 1""", (row, n) -> status(row));
        return latest.isEmpty() ? ProjectionRebuild.Status.NEVER : latest.get(0);
    }

    private ProjectionRebuild.Status status(ResultSet row) throws SQLException {
        ProjectionRebuild.Status.State state = ProjectionRebuild.Status.State.valueOf(row.getString("state"));
        if (state == ProjectionRebuild.Status.State.RUNNING && !locks.rebuildRunning()) {
            state = ProjectionRebuild.Status.State.INTERRUPTED;
        }
        Timestamp ended = row.getTimestamp("ended_at");
        String report = row.getString("report");
        try {
            return new ProjectionRebuild.Status(row.getLong("id"), row.getString("instance"), state,
                    row.getTimestamp("started_at").toInstant(), ended == null ? null : ended.toInstant(),
                    row.getLong("records_replayed"),
                    report == null ? null : json.readValue(report, ProjectionRebuild.Report.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rebuild " + row.getLong("id") + "'s report cannot be read", e);
        }
    }
}
