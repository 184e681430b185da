package org.agreementledger.contract;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class EventEnvelopeTimeTest {

    @ParameterizedTest
    @ValueSource(strings = {"2025-02-05T10:00:00.123Z", "2025-02-05T10:00:00Z", "2024-02-29T23:59:59.999999999Z",
            "1970-01-01T00:00:00.1Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.000000001Z", "1969-12-31T23:59:59.5Z",
            "2025-02-29T10:00:00Z", "2025-13-01T10:00:00Z", "2025-02-05T24:00:00Z", "2025-06-30T23:59:60Z",
            "2025-02-05T10:00:00.Z", "2025-02-05T10:00:00.1234567890Z", "2025-02-05t10:00:00z", "2025-02-05T10:00:00+01:00",
            "+12025-02-05T10:00:00Z", "2025-2-05T10:00:00Z", "2025-02-05T10:0a:00Z", "", "not a time"})
    void aHeadersTimeIsReadExactlyAsInstantParseReadsIt(String text) {
        Throwable expected = catchThrowable(() -> Instant.parse(text));
        Throwable actual = catchThrowable(() -> EventEnvelope.parseTime(text));
        if (expected == null) {
            assertThat(actual).isNull();
            assertThat(EventEnvelope.parseTime(text)).isEqualTo(Instant.parse(text));
        } else {
            assertThat(actual).isInstanceOf(expected.getClass()).hasMessage(expected.getMessage());
        }
    }
}
