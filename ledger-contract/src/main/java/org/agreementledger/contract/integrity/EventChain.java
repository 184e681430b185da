package org.agreementledger.contract.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.LedgerJson;

import java.util.Arrays;

/**
 * The hash chain of an agreement's history. An event's hash is SHA-256 over the RFC 8785 canonical form of
 * <pre>{agreementId, sequence, eventId, type, schemaVersion, time, principal?, country?, correlationId?,
 *  causationId?, previousHash?, data}</pre>
 * where {@code data} is the event's JSON exactly as recorded and {@code previousHash} is the hash of the event
 * before it in the same agreement (absent for sequence 0). Changing, removing, inserting or reordering any
 * event therefore changes every hash after it.
 */
public final class EventChain {

    private EventChain() {
    }

    /** The hash of an event; the envelope's own {@code hash} is ignored. */
    public static String hashOf(EventEnvelope envelope, JsonNode data) {
        return Sha256.hex(CanonicalJson.bytes(hashedForm(envelope, data)));
    }

    /**
     * The hash of a recorded body; its decimals are read exactly, never through a double. The hashed form is written
     * straight from the body's tokens, members already in canonical order, with no tree: the same bytes as
     * {@code hashedForm} canonicalised (StreamedCanonicalFormTest holds them equal).
     */
    public static String hashOf(EventEnvelope envelope, byte[] json) {
        return Sha256.toHex(digestOf(envelope, json));
    }

    /** {@link #hashOf(EventEnvelope, byte[])} as the digest's 32 bytes, for a reader comparing many without hex. */
    public static byte[] digestOf(EventEnvelope envelope, byte[] json) {
        CanonicalWriter out = CanonicalWriter.local();
        upToData(out, envelope);
        int data = out.size();
        out.document(json);
        if (out.size() - data == 4 && out.endsWith(NULL)) {
            // a body of JSON null is a null member of the form, and null members are dropped
            return Sha256.fromHex(hashOf(envelope, CanonicalJson.parse(json)));
        }
        afterData(out, envelope);
        return out.sha256();
    }

    /**
     * The body the ledger publishes for an event's JSON: its canonical form, the very bytes its hash covers as
     * {@code data}, so that a reader can check the hash over the bytes it read ({@link #isSealedAs}).
     */
    public static byte[] publishedBody(byte[] json) {
        return CanonicalJson.bytes(json);
    }

    /**
     * Whether an event and its body hash to {@code digest}. First over the body's bytes as they are, not parsed: a
     * body published in its canonical form (every one since the ledger published {@link #publishedBody}) matches
     * at once. Else over the body canonicalised, as {@link #digestOf}: an older body, or an altered one. The first
     * way cannot accept what the second refuses: the envelope's members are written as escaped strings and numbers,
     * so the bytes before and after the body cannot take a part of it, and equal hashes mean the body's bytes are
     * the canonical form that was sealed (ADR 0010 gives the argument).
     *
     * @throws RuntimeException when the body is not JSON a canonical form can be made of
     */
    public static boolean isSealedAs(EventEnvelope envelope, byte[] body, byte[] digest) {
        if (body.length >= 2 && body[0] == '{' && body[body.length - 1] == '}') {
            CanonicalWriter out = CanonicalWriter.local();
            upToData(out, envelope);
            out.raw(body);
            afterData(out, envelope);
            if (Arrays.equals(out.sha256(), digest)) {
                return true;
            }
        }
        return Arrays.equals(digestOf(envelope, body), digest);
    }

    /** The members of hashedForm before {@code data}, sorted by their UTF-16 code units, and the name of data. */
    private static void upToData(CanonicalWriter out, EventEnvelope envelope) {
        out.ascii("{\"agreementId\":");
        out.string(envelope.agreementId().value());
        envelope.causationId().ifPresent(v -> member(out, ",\"causationId\":", v));
        envelope.correlationId().ifPresent(v -> member(out, ",\"correlationId\":", v));
        envelope.country().ifPresent(v -> member(out, ",\"country\":", v));
        out.ascii(",\"data\":");
    }

    private static void afterData(CanonicalWriter out, EventEnvelope envelope) {
        member(out, ",\"eventId\":", envelope.eventId());
        envelope.previousHash().ifPresent(v -> member(out, ",\"previousHash\":", v));
        envelope.principal().ifPresent(v -> member(out, ",\"principal\":", v));
        out.ascii(",\"schemaVersion\":");
        out.number(envelope.schemaVersion());
        out.ascii(",\"sequence\":");
        out.number(envelope.sequence());
        out.ascii(",\"time\":");
        out.instant(envelope.time());
        member(out, ",\"type\":", envelope.type());
        out.put('}');
    }

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private static void member(CanonicalWriter out, String nameAndColon, String value) {
        out.ascii(nameAndColon);
        out.string(value);
    }

    static ObjectNode hashedForm(EventEnvelope envelope, JsonNode data) {
        ObjectNode form = LedgerJson.mapper().createObjectNode();
        form.put("agreementId", envelope.agreementId().value());
        form.put("sequence", envelope.sequence());
        form.put("eventId", envelope.eventId());
        form.put("type", envelope.type());
        form.put("schemaVersion", envelope.schemaVersion());
        form.put("time", envelope.time().toString());
        envelope.principal().ifPresent(v -> form.put("principal", v));
        envelope.country().ifPresent(v -> form.put("country", v));
        envelope.correlationId().ifPresent(v -> form.put("correlationId", v));
        envelope.causationId().ifPresent(v -> form.put("causationId", v));
        envelope.previousHash().ifPresent(v -> form.put("previousHash", v));
        form.set("data", data);
        return form;
    }
}
