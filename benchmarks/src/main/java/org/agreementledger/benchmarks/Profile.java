package org.agreementledger.benchmarks;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.agreementledger.benchmarks.Report.format;

/**
 * What one profiled window cost, per command (or per event of a rebuild): PostgreSQL's statements (pg_stat_statements,
 * loaded by the benchmark's stack), its transactions (pg_stat_database), WAL writes and fsyncs (pg_stat_wal,
 * PostgreSQL 14) and pages written (pg_stat_bgwriter), and where the ledger's CPU went (a JFR recording of the ledger,
 * its execution samples by top frame).
 */
final class Profile {

    /** The settings the benchmark's stack starts PostgreSQL with; zonky's binaries include the extension. */
    static final Map<String, String> POSTGRES_SETTINGS = Map.of(
            "shared_preload_libraries", "pg_stat_statements", "pg_stat_statements.track", "all");
    private static final int TOP = 12;

    private final String superuserUrl;
    private Map<String, Long> commitsBefore;

    /** Superuser on the ledger's database: zonky's cluster trusts the local user {@code postgres}. */
    Profile(String postgresHostPort) throws SQLException {
        this.superuserUrl = "jdbc:postgresql://" + postgresHostPort + "/ledger";
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(superuserUrl, "postgres", "");
    }

    void reset() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_statements_reset()");
            s.execute("SELECT pg_stat_reset_shared('wal')");
            s.execute("SELECT pg_stat_reset_shared('bgwriter')");
            commitsBefore = commits(s);
        }
    }

    /**
     * The statements, transactions, WAL and pages written since {@link #reset()}, per {@code unit} (a command, or an
     * event of a rebuild).
     */
    String summarise(long count, String unit) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            Map<String, Long> commitsAfter = commits(s);
            List<String> tx = new ArrayList<>();
            commitsAfter.forEach((db, n) -> tx.add(format("%s %.2f", db, (n - commitsBefore.getOrDefault(db, 0L)) / (double) count)));
            out.append(format("Counted: %,d %ss. Transactions committed per %s: %s (including the drain's"
                    + " autocommitted SELECT every 250 ms on the ledger's database).%n%n", count, unit, unit, String.join(", ", tx)));
            try (ResultSet wal = s.executeQuery("SELECT wal_records, wal_fpi, wal_bytes, wal_write, wal_sync FROM pg_stat_wal")) {
                if (wal.next()) {
                    out.append(format("WAL per %s: %.2f records, %.2f full-page images, %.0f bytes, %.3f writes,"
                                    + " **%.3f fsyncs** (pg_stat_wal).",
                            unit, wal.getLong(1) / (double) count, wal.getLong(2) / (double) count,
                            wal.getDouble(3) / count, wal.getLong(4) / (double) count, wal.getLong(5) / (double) count));
                }
            }
            try (ResultSet pages = s.executeQuery("SELECT buffers_backend, buffers_checkpoint + buffers_clean,"
                    + " checkpoints_req + checkpoints_timed FROM pg_stat_bgwriter")) {
                if (pages.next()) {
                    out.append(format(" Pages written per %s: %.2f by the backends themselves, %.2f by the checkpointer"
                                    + " and background writer; %d checkpoints (pg_stat_bgwriter).", unit,
                            pages.getLong(1) / (double) count, pages.getLong(2) / (double) count, pages.getLong(3)));
                }
            }
            out.append(format("%n%n| Database | Statement | Calls / %s | Mean (ms) | Total (µs) / %s | Rows / call | WAL bytes / %s |%n",
                    unit, unit, unit));
            out.append("|---|---|---:|---:|---:|---:|---:|\n");
            try (ResultSet top = s.executeQuery("SELECT d.datname, s.query, s.calls, s.mean_exec_time, s.total_exec_time, s.rows,"
                    + " s.wal_bytes"
                    + " FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
                    + " WHERE s.query NOT LIKE '%pg_stat%' AND s.query NOT LIKE '%count(*) FROM domainevententry%'" // the drain's
                    + " ORDER BY s.total_exec_time DESC LIMIT " + TOP)) {
                while (top.next()) {
                    String query = top.getString(2).replaceAll("\\s+", " ").replace("|", "\\|");
                    out.append(format("| %s | `%s` | %.3f | %.3f | %.1f | %.1f | %.0f |%n", top.getString(1),
                            query.length() > 140 ? query.substring(0, 140) + "…" : query,
                            top.getLong(3) / (double) count, top.getDouble(4), top.getDouble(5) * 1000 / count,
                            top.getLong(3) == 0 ? 0 : top.getLong(6) / (double) top.getLong(3), top.getDouble(7) / count));
                }
            }
        }
        return out.toString();
    }

    private static Map<String, Long> commits(Statement s) throws SQLException {
        Map<String, Long> commits = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT datname, xact_commit FROM pg_stat_database WHERE datname IN ('ledger', 'projection')")) {
            while (rs.next()) {
                commits.put(rs.getString(1), rs.getLong(2));
            }
        }
        return commits;
    }

    /**
     * Starts a JFR recording in the JVM {@code pid} (jcmd, the JDK that runs the benchmark runs the services), with the
     * {@code default} settings: {@code profile}'s cost the warm ledger a quarter more CPU per command, {@code default}'s
     * nothing measurable (run Z31), and a profile should describe the ledger as measured.
     */
    static void startJfr(long pid, String name) throws IOException, InterruptedException {
        jcmd(pid, "JFR.start", "name=" + name, "settings=default");
    }

    static void stopJfr(long pid, String name, Path file) throws IOException, InterruptedException {
        jcmd(pid, "JFR.stop", "name=" + name, "filename=" + file.toAbsolutePath());
    }

    /** Stops the recording {@code name} and drops what it recorded. */
    static void discardJfr(long pid, String name) throws IOException, InterruptedException {
        jcmd(pid, "JFR.stop", "name=" + name);
    }

    private static void jcmd(long pid, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        command.addAll(List.of(args));
        Process jcmd = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        if (jcmd.waitFor() != 0) {
            throw new IOException("jcmd " + String.join(" ", args) + " failed: " + out);
        }
    }

    /** The methods most often on top of the recording's execution samples, and the packages most often anywhere near it. */
    static String hotMethods(Path file) throws IOException {
        Map<String, Integer> methods = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
                    || event.getStackTrace().getFrames().isEmpty()) {
                continue;
            }
            samples++;
            RecordedFrame frame = event.getStackTrace().getFrames().get(0);
            methods.merge(frame.getMethod().getType().getName() + "." + frame.getMethod().getName(), 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder(format("%,d execution samples of the ledger's threads; top frames:%n%n", samples));
        out.append("| Method | Share of samples |\n|---|---:|\n");
        int total = samples;
        methods.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                .forEach(e -> out.append(format("| `%s` | %.1f %% |%n", e.getKey(), 100.0 * e.getValue() / total)));
        return out.toString();
    }
}
