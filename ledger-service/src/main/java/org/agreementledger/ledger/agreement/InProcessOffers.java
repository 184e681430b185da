package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.ledger.axon.RequestCorrelationDataProvider;
import org.agreementledger.security.LedgerJwtConverter;
import org.agreementledger.security.ProblemAuthenticationHandlers;
import org.agreementledger.security.Roles;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static org.agreementledger.security.LedgerSecurityAutoConfiguration.bearerTokens;

/**
 * Benchmark only (issue 12): the ledger's command path without HTTP, to compare it with a plain Axon application
 * driving its command gateway in-process. Threads inside the ledger send offers through the {@link CommandGateway}
 * in a closed loop, each command with the metadata the REST path stamps on it (country, principal, roles), and the
 * same aggregate, event store, group commit and publication behind it. One admin request starts a run and gets its
 * count back; no HTTP, token or JSON per command. Exists only with {@code ledger.benchmark.in-process=true}, which
 * only the benchmark sets.
 */
@RestController
@ConditionalOnProperty(name = "ledger.benchmark.in-process", havingValue = "true")
class InProcessOffers {

    private static final int MAX_THREADS = 256;
    private static final int MAX_SECONDS = 600;

    private final CommandGateway commands;

    InProcessOffers(CommandGateway commands) {
        this.commands = commands;
    }

    /** What one run counted: offers acknowledged inside the window, and the mean latency by Little's law. */
    record Run(long offers, long errors, double seconds, double offersPerSecond, double meanMillis, String firstError) {
    }

    /** Only an admin token reaches the endpoint; ahead of the API's chain, which denies every path it does not name. */
    @Bean
    @Order(0)
    SecurityFilterChain inProcessBenchmark(HttpSecurity http, LedgerJwtConverter converter,
                                           ProblemAuthenticationHandlers problems) throws Exception {
        return bearerTokens(http.securityMatcher("/benchmark/**"), converter, problems)
                .authorizeHttpRequests(requests -> requests.anyRequest().hasAuthority(Roles.ADMIN))
                .build();
    }

    @PostMapping(path = "/benchmark/in-process/offers", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Run offers(@RequestParam int threads, @RequestParam int seconds, @RequestBody AgreementRequests.Offer offer)
            throws InterruptedException {
        if (threads < 1 || threads > MAX_THREADS || seconds < 1 || seconds > MAX_SECONDS) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "threads 1.." + MAX_THREADS + ", seconds 1.." + MAX_SECONDS);
        }
        Map<String, Object> metaData = Map.of(
                RequestCorrelationDataProvider.PRINCIPAL, "benchmark-in-process",
                RequestCorrelationDataProvider.COUNTRY, offer.offeringParty().value(),
                RequestCorrelationDataProvider.ROLES, Roles.WRITE);
        LongAdder ok = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicReference<String> firstError = new AtomicReference<>();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread sender = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        commands.sendAndWait(GenericCommandMessage.asCommandMessage(offer.toCommand(AgreementId.generate()))
                                .andMetaData(metaData));
                        // an answer after the window closed is not counted, as in the benchmark's own closed loop
                        if (System.nanoTime() <= end) {
                            ok.increment();
                        }
                    } catch (RuntimeException e) {
                        errors.increment();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            }, "in-process-offers-" + i);
            sender.start();
            senders.add(sender);
        }
        for (Thread sender : senders) {
            sender.join();
        }
        double elapsed = seconds;
        long count = ok.sum();
        return new Run(count, errors.sum(), elapsed, count / elapsed,
                count == 0 ? 0 : threads * elapsed * 1000 / count, firstError.get());
    }
}
