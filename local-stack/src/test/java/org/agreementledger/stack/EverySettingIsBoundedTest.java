package org.agreementledger.stack;

import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;

/**
 * Every service setting is a component of a validated {@code @ConfigurationProperties} record, and every number,
 * duration, data size and text among them carries a Bean Validation bound, so that a setting out of bounds stops the
 * service at start naming itself (the services' LedgerSettingsTest and ProjectionSettingsTest show how) instead of
 * misbehaving later. A setting added without a bound, or read through {@code @Value}, fails this build.
 */
@AnalyzeClasses(packages = "org.agreementledger", importOptions = ImportOption.DoNotIncludeTests.class)
class EverySettingIsBoundedTest {

    private static final String CONFIGURATION_PROPERTIES = "org.springframework.boot.context.properties.ConfigurationProperties";
    private static final String VALUE = "org.springframework.beans.factory.annotation.Value";
    private static final Set<String> BOUNDED_TYPES = Set.of("java.time.Duration", "org.springframework.util.unit.DataSize",
            "java.lang.String", "int", "long", "short", "java.lang.Integer", "java.lang.Long", "java.lang.Short");

    @ArchTest
    static final ArchRule settingsAreValidatedWhenBound = classes()
            .that().areAnnotatedWith(CONFIGURATION_PROPERTIES)
            .should().beAnnotatedWith("org.springframework.validation.annotation.Validated")
            .andShould(boundEveryNumberDurationSizeAndText());

    @ArchTest
    static final ArchRule noFieldIsASettingReadOutsideItsRecord = noFields().should().beAnnotatedWith(VALUE);

    @ArchTest
    static final ArchRule noParameterIsASettingReadOutsideItsRecord = codeUnits().should(takeNoValueParameter());

    private static ArchCondition<JavaClass> boundEveryNumberDurationSizeAndText() {
        return new ArchCondition<>("bound every number, duration, data size and text it holds") {
            @Override
            public void check(JavaClass settings, ConditionEvents events) {
                for (JavaField field : settings.getFields()) {
                    if (field.getModifiers().contains(JavaModifier.STATIC)
                            || !BOUNDED_TYPES.contains(field.getRawType().getName())) {
                        continue;
                    }
                    boolean bounded = field.getAnnotations().stream().anyMatch(EverySettingIsBoundedTest::isConstraint);
                    events.add(new SimpleConditionEvent(field, bounded,
                            field.getFullName() + (bounded ? " is bounded" : " has no Bean Validation bound")));
                }
            }
        };
    }

    private static boolean isConstraint(JavaAnnotation<?> annotation) {
        JavaClass type = annotation.getRawType();
        return type.getPackageName().equals("jakarta.validation.constraints")
                || type.getPackageName().startsWith("org.hibernate.validator.constraints")
                || type.isAnnotatedWith("jakarta.validation.Constraint");
    }

    private static ArchCondition<JavaCodeUnit> takeNoValueParameter() {
        return new ArchCondition<>("take no @Value parameter") {
            @Override
            public void check(JavaCodeUnit codeUnit, ConditionEvents events) {
                codeUnit.getParameters().stream()
                        .filter(parameter -> parameter.isAnnotatedWith(VALUE))
                        .forEach(parameter -> events.add(SimpleConditionEvent.violated(codeUnit,
                                codeUnit.getFullName() + " reads a setting through @Value")));
            }
        };
    }
}
