package org.agreementledger.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real PostgreSQL server from the binaries in zonky's jar. Works as root (zonky runs it in a user
 * namespace). The data directory is kept between starts unless it is a throw-away one.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /**
     * @param durable a ledger's database must not lose a committed event in a crash: {@code true} turns
     *                {@code fsync} and {@code synchronous_commit} back on (zonky starts with {@code -F}).
     */
    public static EmbeddedPostgresServer start(Path dataDir, int port, boolean durable) {
        return start(dataDir, port, durable, java.util.Map.of());
    }

    /** As {@link #start(Path, int, boolean)}, with further server settings, e.g. {@code shared_preload_libraries}. */
    public static EmbeddedPostgresServer start(Path dataDir, int port, boolean durable, java.util.Map<String, String> settings) {
        try {
            Path absolute = dataDir.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            Path binaries = absolute.getParent().resolve("postgres-binaries");
            Files.createDirectories(binaries);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(absolute)
                    .setCleanDataDirectory(false)
                    // we stop it ourselves, after the services that use it
                    .setRegisterShutdownHook(false)
                    .setOverrideWorkingDirectory(binaries.toFile())
                    .setPort(port)
                    // with fsync on, right after another stack's shutdown on 2 cores, 60 s was once not enough (CI)
                    .setPGStartupWait(java.time.Duration.ofSeconds(120))
                    .setServerConfig("max_connections", "300")
                    // less than the default 128 MB: every touched buffer is resident, and the stack should stay under 1 GiB;
                    // the operating system's page cache still holds what falls out (docs/benchmarks.md, run J)
                    .setServerConfig("shared_buffers", "48MB")
                    .setServerConfig("listen_addresses", "localhost");
            if (durable) {
                builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on");
            }
            settings.forEach(builder::setServerConfig);
            return new EmbeddedPostgresServer(builder.start(), absolute);
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** The postmaster's process id, as it wrote it in {@code postmaster.pid}. */
    public long postmasterPid() {
        return postmasterOf(dataDir).map(ProcessHandle::pid)
                .orElseThrow(() -> new IllegalStateException("no running postmaster in " + dataDir));
    }

    /**
     * Freezes the server (SIGSTOP to the postmaster and every backend) until the returned handle is closed (SIGCONT):
     * connections stay open and nothing answers, as on a hung host or a stalled disk. For fault tests.
     */
    public Hung hang() {
        List<ProcessHandle> processes = new ArrayList<>();
        ProcessHandle postmaster = ProcessHandle.of(postmasterPid()).orElseThrow();
        processes.add(postmaster);
        processes.addAll(postmaster.descendants().toList());
        signal("STOP", processes);
        return () -> signal("CONT", processes);
    }

    /** A frozen server; closing it lets it run on. */
    public interface Hung extends AutoCloseable {
        @Override
        void close();
    }

    private static void signal(String name, List<ProcessHandle> processes) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + name));
        processes.forEach(process -> command.add(Long.toString(process.pid())));
        try {
            int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops a postmaster still running on {@code dataDir} whose owner died (pg_ctl detaches it, so it outlives a
     * killed JVM): otherwise the next start fails, or worse, zonky mistakes it for the server it started. A
     * postmaster whose owner lives (it holds zonky's {@code epg-lock}) is refused, not stopped. A
     * {@code postmaster.pid} naming a dead process needs nothing: PostgreSQL replaces it at its next start.
     */
    public static void stopLeftOver(Path dataDir) {
        Path absolute = dataDir.toAbsolutePath();
        Optional<ProcessHandle> postmaster = postmasterOf(absolute);
        if (postmaster.isEmpty()) {
            return;
        }
        long pid = postmaster.get().pid();
        if (ownerAlive(absolute)) {
            throw new IllegalStateException("PostgreSQL (pid " + pid + ") on " + absolute
                    + " belongs to another running process; stop that first");
        }
        try {
            // SIGINT is PostgreSQL's fast shutdown: disconnects clients, checkpoints, exits
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
            if (!exited(postmaster.get(), 30)) {
                postmaster.get().destroyForcibly();
                exited(postmaster.get(), 10);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop PostgreSQL (pid " + pid + ") left running on " + absolute, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted stopping PostgreSQL (pid " + pid + ")", e);
        }
        if (postmaster.get().isAlive()) {
            throw new IllegalStateException("PostgreSQL (pid " + pid + ") left running on " + absolute + " did not stop");
        }
        log.warn("Stopped PostgreSQL (pid {}) left running on {} by a process that died", pid, absolute);
    }

    /** The live postmaster that {@code postmaster.pid} names, if it is one running on this data directory. */
    private static Optional<ProcessHandle> postmasterOf(Path dataDir) {
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        // a pid reused by another process since is not ours to stop
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(process -> process.info().commandLine().orElse("").contains(dataDir.toString()));
    }

    /** zonky holds a lock on {@code epg-lock} while it runs the server; the kernel drops it when its JVM dies. */
    private static boolean ownerAlive(Path dataDir) {
        try (FileChannel channel = FileChannel.open(dataDir.resolve("epg-lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
            return lock == null;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean exited(ProcessHandle process, int seconds) throws InterruptedException {
        try {
            process.onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    /** Creates a login role and a database it owns, unless they exist. */
    public void createDatabase(String database, String user, String password) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("""
                    DO $$ BEGIN
                      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1$s') THEN
                        CREATE ROLE %1$s LOGIN PASSWORD '%2$s';
                      END IF;
                    END $$""".formatted(user, password.replace("'", "''")));
            var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE " + database + " OWNER " + user);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database, e);
        }
    }

    /** The value of a server setting, e.g. {@code fsync}. */
    public String setting(String name) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            var result = statement.executeQuery("SHOW " + name);
            result.next();
            return result.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
