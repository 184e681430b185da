package org.agreementledger.ledger.web;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.agreementledger.contract.CountryCode;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An ISO 3166-1 alpha-2 country code the JDK knows, in upper case; null is left to {@code @NotNull}. */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Iso3166Alpha2.Validator.class)
public @interface Iso3166Alpha2 {

    String message() default "is not an ISO 3166-1 alpha-2 country code";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<Iso3166Alpha2, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || CountryCode.isKnown(value);
        }
    }
}
