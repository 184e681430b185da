package org.agreementledger.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SteadyPaceTest {

    private final SteadyPace pace = SteadyPace.STEADY;

    @Test
    void aLedgerStillSpeedingUpIsWarmedUpFurther() {
        // run Z31's first windows: the JIT still compiling the request path
        assertThat(pace.reached(rates(248, 353, 277, 393, 465))).isFalse();
    }

    @Test
    void aPaceThatStoppedRisingForTwoWindowsIsSteady() {
        assertThat(pace.reached(rates(215, 317, 375, 502, 681, 650, 687))).isTrue();
    }

    @Test
    void oneSlowWindowDoesNotEndAWarmUpThatThenRisesAgain() {
        assertThat(pace.reached(rates(300, 450, 400))).isFalse();
        assertThat(pace.reached(rates(300, 450, 400, 600))).isFalse();
    }

    @Test
    void aWindowJustWithinTheToleranceOfTheFastestBeforeItCountsAsNotRising() {
        assertThat(pace.reached(rates(600, 630, 630))).isTrue();
        assertThat(pace.reached(rates(600, 631, 631))).isFalse();
    }

    @Test
    void twoWindowsCannotShowAPace() {
        assertThat(pace.reached(rates(700, 700))).isFalse();
    }

    @Test
    void aPlateauWhileTheLedgersCompilersAreStillBusyIsNotSteady() {
        // the rates of run Z35's profiled warm-up, called steady after 60 s by the rates alone
        List<SteadyPace.Window> plateau = List.of(new SteadyPace.Window(327, 0.30), new SteadyPace.Window(454, 0.20),
                new SteadyPace.Window(426, 0.12), new SteadyPace.Window(417, 0.09));
        assertThat(pace.reached(plateau)).isFalse();
        List<SteadyPace.Window> compiled = List.of(new SteadyPace.Window(327, 0.30), new SteadyPace.Window(454, 0.20),
                new SteadyPace.Window(426, 0.04), new SteadyPace.Window(417, 0.02));
        assertThat(pace.reached(compiled)).isTrue();
    }

    private static List<SteadyPace.Window> rates(double... rates) {
        return Arrays.stream(rates).mapToObj(rate -> new SteadyPace.Window(rate, Double.NaN)).toList();
    }
}
