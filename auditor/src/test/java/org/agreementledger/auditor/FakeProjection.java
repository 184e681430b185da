package org.agreementledger.auditor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import org.agreementledger.contract.LedgerJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A projection-service that answers {@code GET /audit/views} with a given document, for {@code compare}. */
final class FakeProjection {

    /** What {@code compare} printed, and its exit code. */
    record Comparison(int exitCode, String output) {
    }

    private FakeProjection() {
    }

    static Comparison compare(ObjectNode answer, String bootstrap, String topic) {
        HttpServer projection;
        try {
            projection = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        projection.createContext("/audit/views", exchange -> {
            byte[] body = LedgerJson.mapper().writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        projection.start();
        try {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
            int exitCode = Auditor.run(print, print, "compare", "--bootstrap-servers", bootstrap, "--topic", topic,
                    "--projection-url", "http://localhost:" + projection.getAddress().getPort(), "--no-progress");
            return new Comparison(exitCode, output.toString(StandardCharsets.UTF_8));
        } finally {
            projection.stop(0);
        }
    }
}
