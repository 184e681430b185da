package org.agreementledger.contract.integrity;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class EventChainTest {

    private static final byte[] BODY = "{\"agreementId\":\"6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01\",\"acceptingParty\":\"US\",\"acceptedOn\":\"2025-02-05\"}"
            .getBytes(StandardCharsets.UTF_8);

    private static EventEnvelope envelope(long sequence, String previousHash) {
        return new EventEnvelope("e-" + sequence, "AgreementAccepted", AgreementId.of("6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01"),
                sequence, Instant.parse("2025-02-05T10:00:00.123Z"), 1, Optional.of("corr"), Optional.of("cause"),
                Optional.of("integration-service-us"), Optional.of("US"), Optional.ofNullable(previousHash), Optional.empty());
    }

    @Test
    void theHashCoversTheEnvelopeThePayloadAndThePreviousHash() {
        String hash = EventChain.hashOf(envelope(1, "aa"), BODY);

        assertThat(hash).matches("[0-9a-f]{64}");
        assertThat(EventChain.hashOf(envelope(1, "aa"), BODY)).isEqualTo(hash);
        assertThat(EventChain.hashOf(envelope(2, "aa"), BODY)).as("sequence").isNotEqualTo(hash);
        assertThat(EventChain.hashOf(envelope(1, "ab"), BODY)).as("previous hash").isNotEqualTo(hash);
        assertThat(EventChain.hashOf(envelope(1, "aa"), new String(BODY, StandardCharsets.UTF_8).replace("US", "SV")
                .getBytes(StandardCharsets.UTF_8))).as("payload").isNotEqualTo(hash);
    }

    @Test
    void theHashDoesNotDependOnHowTheJsonWasWritten() {
        byte[] reordered = "{ \"acceptedOn\": \"2025-02-05\", \"acceptingParty\": \"US\", \"reason\": null, \"agreementId\": \"6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01\" }"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(EventChain.hashOf(envelope(1, "aa"), reordered)).isEqualTo(EventChain.hashOf(envelope(1, "aa"), BODY));
    }

    @Test
    void aPublishedBodyIsTheCanonicalFormItsHashCoversAndIsCheckedAsRead() {
        byte[] asWritten = "{ \"acceptedOn\": \"2025-02-05\", \"acceptingParty\": \"US\", \"reason\": null, \"agreementId\": \"6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01\" }"
                .getBytes(StandardCharsets.UTF_8);
        byte[] digest = EventChain.digestOf(envelope(1, "aa"), asWritten);

        byte[] published = EventChain.publishedBody(asWritten);

        assertThat(new String(published, StandardCharsets.UTF_8)).isEqualTo(
                "{\"acceptedOn\":\"2025-02-05\",\"acceptingParty\":\"US\",\"agreementId\":\"6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01\"}");
        assertThat(EventChain.isSealedAs(envelope(1, "aa"), published, digest)).as("published").isTrue();
        assertThat(EventChain.isSealedAs(envelope(1, "aa"), asWritten, digest)).as("as the ledger once published it").isTrue();
        assertThat(EventChain.isSealedAs(envelope(1, "aa"), new String(published, StandardCharsets.UTF_8).replace("US", "SV")
                .getBytes(StandardCharsets.UTF_8), digest)).as("altered").isFalse();
        assertThat(EventChain.isSealedAs(envelope(2, "aa"), published, digest)).as("another envelope").isFalse();
    }

    /** The bytes around the body are written from the headers as escaped strings: a header cannot carry a member. */
    @Test
    void aMemberSmuggledInAHeaderDoesNotPassForTheSealedEvent() {
        byte[] body = EventChain.publishedBody(BODY);
        byte[] sealed = EventChain.digestOf(envelope(1, "aa"), body);
        EventEnvelope smuggling = new EventEnvelope("e-1\",\"previousHash\":\"aa", "AgreementAccepted",
                AgreementId.of("6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01"), 1, Instant.parse("2025-02-05T10:00:00.123Z"), 1,
                Optional.of("corr"), Optional.of("cause"), Optional.of("integration-service-us"), Optional.of("US"),
                Optional.empty(), Optional.empty());

        assertThat(EventChain.isSealedAs(smuggling, body, sealed)).isFalse();
    }

    @Test
    void theEnvelopeTravelsInCloudEventsHeadersAndBackUnchanged() {
        EventEnvelope sealed = envelope(3, "aa").withHash("bb");

        Map<String, String> headers = sealed.toHeaders();

        assertThat(headers).containsEntry(EventHeaders.SPEC_VERSION, "1.0").containsEntry(EventHeaders.TYPE, "AgreementAccepted")
                .containsEntry(EventHeaders.SUBJECT, "6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01")
                .containsEntry(EventHeaders.PREVIOUS_HASH, "aa").containsEntry(EventHeaders.HASH, "bb")
                .containsEntry(EventHeaders.TIME, "2025-02-05T10:00:00.123Z");
        assertThat(EventEnvelope.fromHeaders(headers::get)).isEqualTo(sealed);
    }

    @Test
    void aRecordsTraceContextIsNotPartOfItsHash() {
        EventEnvelope sealed = envelope(3, "aa");
        String hash = EventChain.hashOf(sealed, BODY);
        Map<String, String> traced = new HashMap<>(sealed.withHash(hash).toHeaders());
        traced.put(EventHeaders.ofTraceContextField("traceparent"), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        traced.put(EventHeaders.ofTraceContextField("tracestate"), "vendor=value");

        EventEnvelope read = EventEnvelope.fromHeaders(traced::get);

        assertThat(traced).containsKeys(EventHeaders.TRACEPARENT, EventHeaders.TRACESTATE);
        assertThat(read).isEqualTo(sealed.withHash(hash));
        assertThat(EventChain.hashOf(read, BODY)).isEqualTo(hash);
        assertThat(EventHeaders.ofTraceContextField("baggage")).as("only the W3C trace context travels").isNull();
    }
}
