package org.agreementledger.projection.asof;

import io.swagger.v3.oas.annotations.Parameter;
import org.springdoc.core.annotations.ParameterObject;

/** The query parameters of every view that can be read as of a point in the log; both absent means now. */
@ParameterObject
public record PointInLog(
        @Parameter(description = "Answer as of this instant (ISO-8601): replays the topic up to it") String asOf,
        @Parameter(description = "Answer as of this log position: partition:offset pairs, e.g. 0:120,3:98") String position) {
}
