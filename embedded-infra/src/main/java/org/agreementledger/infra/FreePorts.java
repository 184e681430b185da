package org.agreementledger.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ports nothing listens on, each handed out once per JVM. The kernel may give a port it gave before to the next
 * {@code bind(0)} once the first socket is closed: a three-broker cluster once got the same port for a listener and
 * its controller, and did not start.
 */
public final class FreePorts {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int ATTEMPTS = 1_000;

    private FreePorts() {
    }

    public static int next() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = unused();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port left that was not handed out before");
    }

    private static int unused() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
