package org.agreementledger.ledger.web;

import java.net.URI;

/** Stable problem type URIs (RFC 9457); each is described in docs/api.md. */
public final class Problems {

    public static final String BASE = "https://agreement-ledger.org/problems/";

    private Problems() {
    }

    public static URI type(String slug) {
        return URI.create(BASE + slug);
    }
}
