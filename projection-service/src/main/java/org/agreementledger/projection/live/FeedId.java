package org.agreementledger.projection.live;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A feed id as the streams send it (a {@code Last-Event-ID}): anything else is refused, never read as "from now". */
@Pattern(regexp = "[0-9]{1,18}", message = FeedId.REFUSAL)
@Constraint(validatedBy = {})
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
public @interface FeedId {

    String REFUSAL = "must be a feed id as the stream sent it: a whole number of 1 to 18 digits";

    String message() default REFUSAL;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
