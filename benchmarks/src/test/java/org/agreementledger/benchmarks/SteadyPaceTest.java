package org.agreementledger.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SteadyPaceTest {

    private final SteadyPace pace = SteadyPace.FIVE_PER_CENT;

    @Test
    void aLedgerStillSpeedingUpIsWarmedUpFurther() {
        // run Z31's first windows: the JIT still compiling the request path
        assertThat(pace.reached(List.of(248.0, 353.0, 277.0, 393.0, 465.0))).isFalse();
    }

    @Test
    void aPaceThatStoppedRisingForTwoWindowsIsSteady() {
        assertThat(pace.reached(List.of(215.0, 317.0, 375.0, 502.0, 681.0, 650.0, 687.0))).isTrue();
    }

    @Test
    void oneSlowWindowDoesNotEndAWarmUpThatThenRisesAgain() {
        assertThat(pace.reached(List.of(300.0, 450.0, 400.0))).isFalse();
        assertThat(pace.reached(List.of(300.0, 450.0, 400.0, 600.0))).isFalse();
    }

    @Test
    void aWindowJustWithinTheToleranceOfTheFastestBeforeItCountsAsNotRising() {
        assertThat(pace.reached(List.of(600.0, 630.0, 630.0))).isTrue();
        assertThat(pace.reached(List.of(600.0, 631.0, 631.0))).isFalse();
    }

    @Test
    void twoWindowsCannotShowAPace() {
        assertThat(pace.reached(List.of(700.0, 700.0))).isFalse();
    }
}
