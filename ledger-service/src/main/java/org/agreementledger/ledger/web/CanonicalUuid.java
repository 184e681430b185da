package org.agreementledger.ledger.web;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.agreementledger.contract.CanonicalUuids;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An id a caller chooses is a UUID written one way only: 36 characters, lower-case hex, dashes at 8-4-4-4-12.
 * Java reads {@code 1-1-1-1-1}, {@code +1-1-1-1-1} and upper case as the same UUID, but the ledger and its readers
 * compare ids as they were recorded, so a retry spelled differently would record a second transfer.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = CanonicalUuid.Check.class)
public @interface CanonicalUuid {

    String message() default "must be a UUID in its canonical form: 36 characters, lower-case hex, "
            + "e.g. 1b9f6a3e-0c1d-4c8e-9a51-2f0d5a4e7b10";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<CanonicalUuid, Object> {

        @Override
        public boolean isValid(Object id, ConstraintValidatorContext context) {
            if (id == null) {
                return true;
            }
            return CanonicalUuids.parse(id.toString()) != null;
        }
    }
}
