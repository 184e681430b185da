package org.agreementledger.stack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code <data-dir>/run}: which launcher owns the data directory, and a pid file for each service it started.
 * The owner holds a lock on {@code launcher.pid} while it lives. The kernel drops the lock however the launcher
 * ends (kill -9, the OOM killer), so a free lock next to pid files means their launcher died: the processes they
 * name, if still running, are orphans, and the next launcher stops them before it starts anything.
 */
final class RunDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunDirectory.class);
    private static final String LAUNCHER = "launcher.pid";
    /** As long as a normal stop gives a service. */
    private static final long GRACE_SECONDS = 20;

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectory(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Makes this process the data directory's launcher, or refuses if a live launcher already is; then stops what
     * a dead one left running.
     */
    static RunDirectory claim(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().resolve("run");
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LAUNCHER), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String owner = Files.readString(dir.resolve(LAUNCHER)).trim();
                throw new IllegalStateException("another launcher (pid " + (owner.isEmpty() ? "unknown" : owner)
                        + ") is running the stack of " + dataDir.toAbsolutePath() + ". Stop it first (Ctrl-C in its "
                        + "terminal, or kill " + (owner.isEmpty() ? "<pid>" : owner) + "), or give this one another --data-dir.");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            RunDirectory run = new RunDirectory(dir, channel, lock);
            run.stopLeftovers();
            return run;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot use " + dir, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this very JVM runs a stack on the data directory
        }
    }

    Path path() {
        return dir;
    }

    /** Remembers a started service, so that the next launcher can stop it if this one dies without doing so. */
    void record(String name, ProcessHandle process, Path runnable) {
        Properties entry = new Properties();
        entry.setProperty("pid", Long.toString(process.pid()));
        // with the start time and the jar, a pid the system has since given to another process is not mistaken for it
        process.info().startInstant().ifPresent(started -> entry.setProperty("started", started.toString()));
        entry.setProperty("jar", runnable.toAbsolutePath().toString());
        try (Writer out = Files.newBufferedWriter(pidFile(name))) {
            entry.store(out, name + ", started by launcher " + ProcessHandle.current().pid());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + pidFile(name), e);
        }
    }

    void forget(String name) {
        try {
            Files.deleteIfExists(pidFile(name));
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", pidFile(name), e.toString());
        }
    }

    private Path pidFile(String name) {
        return dir.resolve(name + ".pid");
    }

    /** SIGTERM to every leftover at once (Spring shuts down gracefully), SIGKILL to those still up after the grace. */
    private void stopLeftovers() throws IOException {
        List<Leftover> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pid")) {
            for (Path file : files) {
                String name = file.getFileName().toString().replaceFirst("\\.pid$", "");
                if (!file.getFileName().toString().equals(LAUNCHER)) {
                    leftover(file).ifPresentOrElse(process -> leftovers.add(new Leftover(name, process)), () -> forget(name));
                }
            }
        }
        leftovers.forEach(leftover -> leftover.process().destroy());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
        for (Leftover leftover : leftovers) {
            String how = "SIGTERM";
            if (!exited(leftover.process(), deadline - System.nanoTime())) {
                leftover.process().destroyForcibly();
                how = "SIGKILL after " + GRACE_SECONDS + " s";
                if (!exited(leftover.process(), TimeUnit.SECONDS.toNanos(10))) {
                    throw new IllegalStateException(leftover.name() + " (pid " + leftover.process().pid()
                            + ") left running by an earlier launcher of " + dir.getParent() + " does not stop; kill it by hand");
                }
            }
            log.warn("Stopped {} (pid {}) left running by an earlier launcher of {} that died ({})",
                    leftover.name(), leftover.process().pid(), dir.getParent(), how);
            forget(leftover.name());
        }
    }

    /** The live process a pid file names, if it is still the one recorded. */
    private static Optional<ProcessHandle> leftover(Path file) {
        Properties entry = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            entry.load(in);
            long pid = Long.parseLong(entry.getProperty("pid", ""));
            String started = entry.getProperty("started");
            String jar = entry.getProperty("jar", "");
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(process -> started == null || process.info().startInstant().map(Instant::toString)
                            .map(started::equals).orElse(true))
                    .filter(process -> !jar.isEmpty() && process.info().commandLine().orElse("").contains(jar));
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring unreadable {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    private static boolean exited(ProcessHandle process, long nanos) {
        try {
            process.onExit().get(Math.max(nanos, 0), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private record Leftover(String name, ProcessHandle process) {
    }

    /** Gives the data directory up; the pid file stays (unlocked and empty), so no two launchers lock different files. */
    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
        } catch (IOException e) {
            log.warn("Could not release {}: {}", dir.resolve(LAUNCHER), e.toString());
        } finally {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing {}", channel, e);
            }
        }
    }
}
