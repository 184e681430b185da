package org.agreementledger.benchmarks;

import java.util.List;

/**
 * When a path has been warmed up enough to be measured: its rate, over windows of equal length at the measured load,
 * has stopped rising. Run Z31: a ledger just started needs minutes of 16 clients before its CPU per command stops
 * falling (4,375 → ~1,050 µs), the JIT compiling its request path long after any fixed 30 s; a fixed warm-up measured
 * a ledger still speeding up in every run's first windows and in the profiled one.
 *
 * @param tolerance how much faster than every earlier window a window may run and still count as not rising
 *                  (0.05: five per cent, within a 15 s window's usual spread)
 */
record SteadyPace(double tolerance) {

    static final SteadyPace FIVE_PER_CENT = new SteadyPace(0.05);

    /**
     * Whether the rates so far, oldest first, show a pace that stopped rising: the last two windows each ran no more
     * than {@code tolerance} faster than the fastest window before it. Two, so that one slow window (a collection, a
     * checkpoint) does not end a warm-up while the JIT is still at work.
     */
    boolean reached(List<Double> rates) {
        int n = rates.size();
        return n >= 3 && notRising(rates, n - 2) && notRising(rates, n - 1);
    }

    private boolean notRising(List<Double> rates, int index) {
        double fastestBefore = rates.subList(0, index).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return rates.get(index) <= fastestBefore * (1 + tolerance);
    }
}
