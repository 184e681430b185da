package org.agreementledger.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.web.firewall.StrictHttpFirewall;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The firewall's header rules without regular expressions allow exactly what Spring Security's own allow. */
class HeaderRulesTest {

    @Test
    void everyCodePointIsAllowedInAHeaderNameOrValueExactlyWhenSpringSecuritysRulesAllowIt() {
        int differences = 0;
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            String one = new String(Character.toChars(c));
            String amid = "a" + one + "z";
            if (HeaderRules.allowedName(one) != StrictHttpFirewall.ALLOWED_HEADER_NAMES.test(one)
                    || HeaderRules.allowedValue(one) != StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(one)
                    || HeaderRules.allowedValue(amid) != StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(amid)) {
                differences++;
            }
        }
        assertThat(differences).isZero();
    }

    @Test
    void tabsControlsUnassignedAndLoneSurrogatesAreJudgedAsSpringJudgesThem() {
        for (String text : List.of("", "Bearer eyJ.abc", "a\tb", "a\u0000b", "a\rb", "line\n", "\u0085", "\u007f",
                "\uD83D\uDE00", "\uD83D", "x\uDE00y", "\uFFFF", "\u0378", "caf\u00e9", "\u2028", "\u200B")) {
            assertThat(HeaderRules.allowedName(text)).as(text).isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_NAMES.test(text));
            assertThat(HeaderRules.allowedValue(text)).as(text).isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(text));
        }
        assertThat(HeaderRules.allowedValue("a\tb")).isTrue();
        assertThat(HeaderRules.allowedName("a\tb")).isFalse();
        assertThat(HeaderRules.allowedValue("a\u0000b")).isFalse();
    }
}
