package org.agreementledger.contract.integrity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples of RFC 8785 (JSON Canonicalization Scheme), and the one rule added to it: null members drop out. */
class CanonicalJsonTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "1e30 | 1e+30",
            "4.50 | 4.5",
            "2e-3 | 0.002",
            "0.000001 | 0.000001",
            "1e-7 | 1e-7",
            "333333333.33333329 | 333333333.3333333",
            "-0 | 0",
            "100 | 100",
            "9007199254740991 | 9007199254740991",
            "1e21 | 1e+21",
            "123456789012345680000 | 123456789012345680000",
            "-1.5 | -1.5",
            "12.50 | 12.5",
            "0.1 | 0.1",
            "2e23 | 2e+23",
            "-0.0000012 | -0.0000012"})
    void numbersAreWrittenTheWayECMAScriptWritesThem(String json, String canonical) {
        assertThat(CanonicalJson.string(CanonicalJson.parse(json.getBytes()))).isEqualTo(canonical);
    }

    @Test
    void membersAreSortedByTheirUtf16CodeUnits() {
        String json = "{\"\\u20ac\":1,\"\\r\":2,\"\\ufb33\":3,\"1\":4,\"\\ud83d\\ude00\":5,\"\\u0080\":6,\"\\u00f6\":7}";

        assertThat(CanonicalJson.string(CanonicalJson.parse(json.getBytes())))
                .isEqualTo("{\"\\r\":2,\"1\":4,\"\u0080\":6,\"\u00f6\":7,\"\u20ac\":1,\"\ud83d\ude00\":5,\"\ufb33\":3}");
    }

    @Test
    void stringsAreEscapedMinimally() {
        String json = "\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\"";

        assertThat(CanonicalJson.string(CanonicalJson.parse(json.getBytes())))
                .isEqualTo("\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"");
    }

    @Test
    void nullMembersAndWhitespaceDoNotChangeTheCanonicalForm() {
        String spaced = "{ \"b\" : [1, 2,  {\"z\": null, \"y\": true}], \"a\": null, \"c\": \"x\" }";
        String compact = "{\"c\":\"x\",\"b\":[1,2,{\"y\":true}]}";

        assertThat(CanonicalJson.string(CanonicalJson.parse(spaced.getBytes())))
                .isEqualTo(CanonicalJson.string(CanonicalJson.parse(compact.getBytes())))
                .isEqualTo("{\"b\":[1,2,{\"y\":true}],\"c\":\"x\"}");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"x\":{\"b\":null,\"b\":true}}"})
    void aRepeatedMemberNameIsRefusedNotDecidedByTheLastOne(String json) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CanonicalJson.parse(json.getBytes()))
                .isInstanceOf(RuntimeException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CanonicalJson.bytes(json.getBytes()))
                .isInstanceOf(RuntimeException.class);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\"\\ud800\"", "\"a\\udc00b\"", "{\"t\":\"\\ud83d\"}"})
    void halfACharacterIsRefusedRatherThanHashedLikeAQuestionMark(String json) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CanonicalJson.bytes(CanonicalJson.parse(json.getBytes())))
                .hasMessageContaining("unpaired surrogate");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CanonicalJson.bytes(json.getBytes()))
                .hasMessageContaining("unpaired surrogate");
        assertThat(CanonicalJson.string(CanonicalJson.parse("\"\\ud83d\\ude00\"".getBytes())))
                .as("a whole pair is one character").isEqualTo("\"\ud83d\ude00\"");
    }
}
