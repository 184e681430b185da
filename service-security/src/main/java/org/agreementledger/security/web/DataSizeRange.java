package org.agreementledger.security.web;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.springframework.util.unit.DataSize;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A {@link DataSize} setting's bounds, in bytes, both included (Bean Validation has none for Spring's data sizes). */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = DataSizeRange.Check.class)
public @interface DataSizeRange {

    long minBytes();

    long maxBytes();

    String message() default "must be between {minBytes} and {maxBytes} bytes";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<DataSizeRange, DataSize> {

        private long min;
        private long max;

        @Override
        public void initialize(DataSizeRange range) {
            this.min = range.minBytes();
            this.max = range.maxBytes();
        }

        @Override
        public boolean isValid(DataSize size, ConstraintValidatorContext context) {
            return size == null || (size.toBytes() >= min && size.toBytes() <= max);
        }
    }
}
