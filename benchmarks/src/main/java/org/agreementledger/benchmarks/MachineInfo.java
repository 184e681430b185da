package org.agreementledger.benchmarks;

import org.apache.kafka.common.utils.AppInfoParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What the numbers were measured on: the machine, and the servers' versions and durability settings. */
final class MachineInfo {

    private MachineInfo() {
    }

    /** Rows of (property, value). */
    static List<List<String>> describe(String ledgerJdbcUrl, Path dataDir) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("CPU", firstValue(Path.of("/proc/cpuinfo"), "model name")
                .orElse(System.getProperty("os.arch"))));
        // availableProcessors() is what nproc prints: the CPUs this process may run on.
        rows.add(List.of("nproc", Integer.toString(Runtime.getRuntime().availableProcessors())));
        rows.add(List.of("Memory", firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(MachineInfo::kibToGib).orElse("unknown")));
        rows.add(List.of("OS", firstValue(Path.of("/etc/os-release"), "PRETTY_NAME").orElse(System.getProperty("os.name"))
                + ", kernel " + System.getProperty("os.version") + " " + System.getProperty("os.arch")));
        rows.add(List.of("Java (benchmark and services)", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version")));
        rows.add(List.of("Data directory file system", fileStoreType(dataDir)));
        rows.add(List.of("PostgreSQL", postgresSettings(ledgerJdbcUrl)));
        rows.add(List.of("Kafka", AppInfoParser.getVersion() + ", single KRaft broker in the benchmark JVM"));
        return rows;
    }

    private static String postgresSettings(String jdbcUrl) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, RawBaselines.DB_USER, RawBaselines.DB_PASSWORD);
             Statement statement = connection.createStatement()) {
            return show(statement, "server_version")
                    + ", fsync=" + show(statement, "fsync")
                    + ", synchronous_commit=" + show(statement, "synchronous_commit")
                    + ", wal_sync_method=" + show(statement, "wal_sync_method")
                    + ", shared_buffers=" + show(statement, "shared_buffers");
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String show(Statement statement, String setting) throws SQLException {
        try (ResultSet result = statement.executeQuery("SHOW " + setting)) {
            result.next();
            return result.getString(1);
        }
    }

    private static String fileStoreType(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The value of the first "key: value" or KEY="value" line with that key. */
    private static Optional<String> firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                int separator = separatorIndex(line);
                if (separator > 0 && line.substring(0, separator).trim().equals(key)) {
                    return Optional.of(line.substring(separator + 1).trim().replace("\"", ""));
                }
            }
        } catch (IOException e) {
            // not Linux, or not readable: the caller falls back
        }
        return Optional.empty();
    }

    /** The first ':' or '=', whichever comes first; -1 if neither. */
    private static int separatorIndex(String line) {
        int colon = line.indexOf(':');
        int equals = line.indexOf('=');
        if (colon < 0 || equals < 0) {
            return Math.max(colon, equals);
        }
        return Math.min(colon, equals);
    }

    private static String kibToGib(String memTotal) {
        long kib = Long.parseLong(memTotal.replace("kB", "").trim());
        return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
    }
}
