package org.agreementledger.stack;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortsTest {

    @Test
    void aPortInUseIsRefusedBeforeAnythingStartsNamingTheProcessThatHoldsIt() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "the holder is known from /proc (Linux)");
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> Ports.requireFree(Map.of("ledger-port", port)))
                    .hasMessageStartingWith("port " + port + " (--ledger-port) is in use by pid " + ProcessHandle.current().pid());
            assertThat(Ports.heldByAnotherThan(ProcessHandle.current().pid(), port)).isEmpty();
        }
    }
}
