package org.agreementledger.contract;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The names under which events travel ({@link EventHeaders#TYPE}) and the records they map to. */
public final class EventTypes {

    private static final Map<String, Class<? extends AgreementEvent>> BY_NAME =
            Stream.of(AgreementEvent.class.getPermittedSubclasses())
                    .map(c -> c.asSubclass(AgreementEvent.class))
                    .collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    private EventTypes() {
    }

    public static String nameOf(Class<?> eventClass) {
        return eventClass.getSimpleName();
    }

    public static Optional<Class<? extends AgreementEvent>> classOf(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Current schema version of each event's JSON shape; raised when a shape changes. */
    public static int schemaVersionOf(Class<?> eventClass) {
        if (eventClass == TransferRecorded.class || eventClass == TransferCorrected.class) {
            return 2;
        }
        return 1;
    }
}
