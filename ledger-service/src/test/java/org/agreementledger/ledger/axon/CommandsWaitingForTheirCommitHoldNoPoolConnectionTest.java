package org.agreementledger.ledger.axon;

import com.zaxxer.hikari.HikariDataSource;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class CommandsWaitingForTheirCommitHoldNoPoolConnectionTest extends LedgerIntegrationTest {

    private static final String OFFER = """
            {"offeringParty": "SV", "otherParties": ["US"], "title": "Waiting for the log", "offeredOn": "2025-02-03"}""";
    private static final int OFFERS = 6;

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void offersWaitingForTheirCommitLeaveThePoolsConnectionsToOtherRequests() throws Exception {
        var pool = dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
        List<CompletableFuture<HttpResponse<String>>> offers;
        int mostInUse = 0;
        try (Connection log = dataSource.getConnection()) {
            log.setAutoCommit(false);
            // every commit appends to the transparency log, so holding its size row holds every commit
            log.createStatement().execute("SELECT size FROM transparency_log_size FOR UPDATE");
            offers = IntStream.range(0, OFFERS).mapToObj(i -> CompletableFuture.supplyAsync(
                    () -> as(port, "SV").post("/agreements", OFFER))).toList();
            Thread.sleep(1_500);
            for (int sample = 0; sample < 10; sample++) {
                mostInUse = Math.max(mostInUse, pool.getActiveConnections());
                Thread.sleep(50);
            }
            assertThat(offers).as("the offers were still waiting for their commit").noneMatch(CompletableFuture::isDone);
            log.rollback();
        }

        assertThat(offers).allSatisfy(offer -> assertThat(offer.get().statusCode()).isEqualTo(201));
        assertThat(mostInUse).as("connections in use: the lock's, and at most a tracking processor's or two, not one per offer")
                .isLessThanOrEqualTo(3);
    }
}
