package org.agreementledger.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCpuTest {

    @Test
    void theWarmUpFindsTheJitCompilersOfARunningJvmAndTheirPartOfItsCpu() {
        long pid = ProcessHandle.current().pid();
        Map<Long, Long> compilers = ProcessCpu.compilerThreads(pid);

        assertThat(compilers).as("this JVM's C1 and C2 compiler threads").isNotEmpty();
        assertThat(compilers.keySet()).as("thread ids, not the process's").doesNotContain(pid);
        long compiled = ProcessCpu.compilerTicksBetween(Map.of(), compilers);
        assertThat(compiled).as("a part of the process's CPU").isLessThanOrEqualTo(ProcessCpu.ticks(pid));
        assertThat(ProcessCpu.compilerTicksBetween(compilers, compilers)).isZero();
    }
}
