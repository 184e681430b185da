package org.agreementledger.stack;

import org.agreementledger.infra.LocalIdentityProvider;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The local stack's ready-made callers: the countries of February 2025, an auditor, a dashboard, an operator. */
final class LocalTokens {

    static final Duration VALIDITY = Duration.ofDays(30);
    private static final List<String> COUNTRIES = List.of("US", "SV", "GT", "PA", "CO", "MX", "CR", "DO");

    private LocalTokens() {
    }

    static Map<String, String> presets(LocalIdentityProvider identity) {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String country : COUNTRIES) {
            tokens.put(country, countryToken(identity, country));
        }
        tokens.put("AUDITOR", identity.mint("auditor", null, List.of("ledger.audit"), VALIDITY));
        tokens.put("DASHBOARD", identity.mint("dashboard", null, List.of("ledger.read"), VALIDITY));
        tokens.put("ADMIN", identity.mint("operator", null, List.of("ledger.admin"), VALIDITY));
        return tokens;
    }

    /** A country's integration service, named after the country. */
    static String countryToken(LocalIdentityProvider identity, String country) {
        return identity.mint("integration-service-" + country.toLowerCase(), country, List.of("ledger.write"), VALIDITY);
    }

    static Function<String, String> countryTokens(LocalIdentityProvider identity) {
        Map<String, String> cache = new LinkedHashMap<>();
        return country -> cache.computeIfAbsent(country, c -> countryToken(identity, c));
    }

    /** {@code token PRINCIPAL ROLES [COUNTRY]}: prints one token signed with the stack's key. */
    static int mintFromCommandLine(StackConfig config) {
        List<String> args = config.command();
        if (args.size() < 3 || args.size() > 4) {
            System.err.println("usage: token PRINCIPAL ROLES [COUNTRY]   e.g. token mx-segob ledger.write MX\n" + StackConfig.USAGE);
            return 2;
        }
        String country = args.size() == 4 ? args.get(3) : null;
        LocalIdentityProvider identity = LocalIdentityProvider.loadOrCreate(config.dataDir().toAbsolutePath().resolve("keys"));
        System.out.println(identity.mint(args.get(1), country, Arrays.asList(args.get(2).split(",")), VALIDITY));
        return 0;
    }
}
