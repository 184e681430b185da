package org.agreementledger.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tiny process that stops PostgreSQL when the launcher dies. pg_ctl detaches the postmaster, so it would outlive
 * a killed launcher. The watchdog's stdin is a pipe from the launcher, which reaches EOF when the launcher exits,
 * however it exits; the watchdog then sends the postmaster SIGINT (fast shutdown), if {@code /proc} still shows
 * it running on this data directory. A normal stop ends the watchdog first, and PostgreSQL after the services.
 */
final class PostmasterWatchdog implements AutoCloseable {

    private static final String STOP_POSTMASTER_AT_EOF = """
            while read -r _; do :; done
            grep -qaF -- "$2" "/proc/$1/cmdline" 2>/dev/null && kill -INT "$1"
            """;

    private final Process process;

    private PostmasterWatchdog(Process process) {
        this.process = process;
    }

    static PostmasterWatchdog start(long postmasterPid, Path postgresDataDir) {
        try {
            return new PostmasterWatchdog(new ProcessBuilder(List.of("sh", "-c", STOP_POSTMASTER_AT_EOF,
                    "postmaster-watchdog", Long.toString(postmasterPid), postgresDataDir.toAbsolutePath().toString()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the PostgreSQL watchdog", e);
        }
    }

    /** SIGTERM ends the shell inside {@code read}, before it could act. */
    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL watchdog (pid " + process.pid() + ")";
    }
}
