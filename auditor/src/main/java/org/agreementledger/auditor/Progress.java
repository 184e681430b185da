package org.agreementledger.auditor;

import java.io.PrintStream;

/** A progress bar on stderr for long reads: share done, events per second, time left. */
final class Progress {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final long total;
    private final boolean enabled;
    private final long started = System.nanoTime();
    private long done;
    private long lastDrawn;

    Progress(PrintStream out, long total, boolean enabled) {
        this.out = out;
        this.total = Math.max(total, 1);
        this.enabled = enabled;
    }

    /** Makes the bar once the total is known. */
    interface Factory {
        Progress create(long total);
    }

    void advance(long events) {
        done += events;
        long now = System.nanoTime();
        if (enabled && now - lastDrawn > 200_000_000L) {
            lastDrawn = now;
            draw(now);
        }
    }

    void finish() {
        if (enabled) {
            draw(System.nanoTime());
            out.println();
        }
    }

    double eventsPerSecond() {
        double seconds = (System.nanoTime() - started) / 1e9;
        return seconds <= 0 ? 0 : done / seconds;
    }

    private void draw(long now) {
        double share = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(share * WIDTH);
        double rate = eventsPerSecond();
        long etaSeconds = rate > 0 ? Math.round((total - done) / rate) : -1;
        out.printf("\r[%s%s] %3d%% %,d/%,d events  %,.0f ev/s  ETA %s ", "#".repeat(filled), "-".repeat(WIDTH - filled),
                Math.round(share * 100), done, total, rate, etaSeconds < 0 ? "?" : etaSeconds + "s");
        out.flush();
    }
}
