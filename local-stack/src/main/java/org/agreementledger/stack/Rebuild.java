package org.agreementledger.stack;

import org.agreementledger.infra.LocalIdentityProvider;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** {@code rebuild}: asks the running projection-service, as the operator, to rebuild every view from the topic. */
final class Rebuild {

    private Rebuild() {
    }

    static int run(StackConfig config) {
        LocalIdentityProvider identity = LocalIdentityProvider.loadOrCreate(config.dataDir().toAbsolutePath().resolve("keys"));
        String token = identity.mint("operator", null, List.of("ledger.admin"), Duration.ofMinutes(30));
        try {
            System.out.println("Rebuilding every view of " + config.projectionUrl() + " from the topic…");
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(config.projectionUrl() + "/admin/rebuild"))
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(response.statusCode() + " " + response.body());
            return response.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            System.err.println("The projection-service at " + config.projectionUrl() + " does not answer: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
