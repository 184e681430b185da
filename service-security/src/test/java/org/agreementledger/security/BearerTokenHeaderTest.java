package org.agreementledger.security;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading the common bearer header by hand finds the token, or refuses, exactly as Spring Security's resolver does. */
class BearerTokenHeaderTest {

    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1cyJ9.c2lnbmF0dXJl-_~+/";

    private final DefaultBearerTokenResolver standard = standard();
    private final BearerTokenResolver byHand = new BearerTokenHeader(standard());

    private static DefaultBearerTokenResolver standard() {
        DefaultBearerTokenResolver resolver = new DefaultBearerTokenResolver();
        resolver.setAllowUriQueryParameter(true);
        return resolver;
    }

    /** What a resolver made of a request: the token, or the error it refused it with. */
    private static String outcome(BearerTokenResolver resolver, MockHttpServletRequest request) {
        try {
            return "token " + resolver.resolve(request);
        } catch (OAuth2AuthenticationException e) {
            return "refused " + e.getError().getErrorCode() + ": " + e.getError().getDescription();
        }
    }

    private void alike(String method, String authorization, Consumer<MockHttpServletRequest> more) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/agreements");
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        more.accept(request);
        assertThat(outcome(byHand, request)).as("%s %s", method, authorization).isEqualTo(outcome(standard, request));
    }

    @Test
    void wellFormedMalformedAndMissingBearerHeadersAreReadAsSpringReadsThem() {
        List<String> headers = new ArrayList<>(List.of("Bearer " + TOKEN, "bearer " + TOKEN, "BEARER " + TOKEN + "==",
                "Bearer " + TOKEN + "=x", "Bearer  " + TOKEN, "Bearer", "Bearer ", "Bearer =", "Bearer a", "Bearer " + TOKEN + "\n",
                "Bearer " + TOKEN + " ", "Basic dXM6cHc=", "Bearerx " + TOKEN, "Bearer caf\u00e9", "Bearer \u212Aelvin", "",
                "Bearer\t" + TOKEN, "Bearer " + "a".repeat(5000)));
        for (String header : headers) {
            for (String method : List.of("POST", "GET")) {
                alike(method, header, request -> { });
            }
        }
        alike("GET", null, request -> { });
    }

    @Test
    void everyCharacterAnywhereInTheHeaderIsJudgedAsSpringJudgesIt() {
        String header = "Bearer ab=";
        for (int at = 0; at < header.length(); at++) {
            for (char c = 0; c < Character.MAX_VALUE; c++) {
                String changed = header.substring(0, at) + c + header.substring(at + 1);
                MockHttpServletRequest request = new MockHttpServletRequest("POST", "/agreements");
                request.addHeader("Authorization", changed);
                if (!outcome(byHand, request).equals(outcome(standard, request))) {
                    assertThat(outcome(byHand, request)).as("character %04x at %d", (int) c, at).isEqualTo(outcome(standard, request));
                }
            }
        }
    }

    @Test
    void randomHeadersAreReadAsSpringReadsThem() {
        Random random = new Random(12);
        String alphabet = "Bbearer Rr=aZ09-._~+/ \t\u00e9\u212A\n";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer " : "");
            for (int n = random.nextInt(12); n > 0; n--) {
                header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            alike(random.nextBoolean() ? "GET" : "POST", header.toString(), request -> { });
        }
    }

    @Test
    void aTokenInTheQueryOrAFormBesideTheHeaderIsLeftToSpringWhichRefusesTwoTokens() {
        alike("GET", "Bearer " + TOKEN, request -> {
            request.setQueryString("access_token=" + TOKEN);
            request.addParameter("access_token", TOKEN);
        });
        alike("GET", null, request -> {
            request.setQueryString("access_token=" + TOKEN);
            request.addParameter("access_token", TOKEN);
        });
        alike("POST", "Bearer " + TOKEN, request -> {
            request.setContentType("application/x-www-form-urlencoded");
            request.addParameter("access_token", TOKEN);
        });
        assertThat(outcome(byHand, withQueryToken())).startsWith("refused invalid_request");
    }

    private static MockHttpServletRequest withQueryToken() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/agreements");
        request.addHeader("Authorization", "Bearer " + TOKEN);
        request.setQueryString("access_token=" + TOKEN);
        request.addParameter("access_token", TOKEN);
        return request;
    }
}
