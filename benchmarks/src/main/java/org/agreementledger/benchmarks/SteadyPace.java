package org.agreementledger.benchmarks;

import java.util.List;

/**
 * When a path has been warmed up enough to be measured: its rate, over windows of equal length at the measured load,
 * has stopped rising, and the JIT of the service under load has stopped compiling. Run Z31: a ledger just started
 * needs minutes of 16 clients before its CPU per command stops falling (4,375 → ~1,050 µs), the JIT compiling its
 * request path long after any fixed 30 s; a fixed warm-up measured a ledger still speeding up in every run's first
 * windows and in the profiled one. Run Z35: the rate alone can pause on a plateau (327, 454, 426, 417/s) that the
 * ledger leaves once its compilers are done, so the compilers' share of the service's CPU is the second sign.
 *
 * @param tolerance     how much faster than every earlier window a window may run and still count as not rising
 *                      (0.05: five per cent, within a 15 s window's usual spread)
 * @param compilerShare the most of the service's CPU its JIT compilers may take in a window that counts as steady
 */
record SteadyPace(double tolerance, double compilerShare) {

    static final SteadyPace STEADY = new SteadyPace(0.05, 0.05);

    /**
     * One warm-up window: its rate, and the part of the loaded service's CPU its JIT compiler threads took (NaN where
     * no JVM of ours serves the path).
     */
    record Window(double rate, double compilerShare) {
    }

    /**
     * Whether the windows so far, oldest first, show a pace that stopped rising: the last two windows each ran no more
     * than {@code tolerance} faster than the fastest window before it, with the compilers within their share. Two, so
     * that one slow window (a collection, a checkpoint) does not end a warm-up while the JIT is still at work.
     */
    boolean reached(List<Window> windows) {
        int n = windows.size();
        return n >= 3 && steady(windows, n - 2) && steady(windows, n - 1);
    }

    private boolean steady(List<Window> windows, int index) {
        double fastestBefore = windows.subList(0, index).stream().mapToDouble(Window::rate).max().orElseThrow();
        Window window = windows.get(index);
        return window.rate() <= fastestBefore * (1 + tolerance)
                && !(window.compilerShare() > compilerShare); // NaN: nothing to wait for
    }
}
