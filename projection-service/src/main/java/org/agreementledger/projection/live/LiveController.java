package org.agreementledger.projection.live;

import org.agreementledger.projection.consumer.FeedItem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Min;
import org.agreementledger.projection.access.ReadAccess;
import org.agreementledger.security.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * Live subscriptions (Server-Sent Events). Each event carries its feed id as SSE id: a dashboard that reconnects
 * with {@code Last-Event-ID} (browsers' EventSource does so by itself) receives exactly what it missed.
 */
@RestController
@RequestMapping(path = "/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
@Tag(name = "Live", description = "Server-Sent Events with Last-Event-ID resume")
public class LiveController {

    private static final int MAX_RECENT = 200;

    private final LiveFeed feed;
    private final FeedBacklog backlog;
    private final ReadAccess access;

    LiveController(LiveFeed feed, FeedBacklog backlog, ReadAccess access) {
        this.feed = feed;
        this.backlog = backlog;
        this.access = access;
    }

    @GetMapping("/events")
    @Operation(summary = "Every applied event (a country sees its own agreements' events only)")
    SseEmitter events(@Parameter(description = "Resume after this feed id") @RequestHeader(name = "Last-Event-ID", required = false)
                      @FeedId String lastEventId,
                      @RequestParam(name = "after", required = false) @Min(0) Long after) {
        return subscribe(start(lastEventId, after), visible());
    }

    @GetMapping("/agreements/{agreementId}")
    @Operation(summary = "The events of one agreement as they are applied")
    SseEmitter agreement(@PathVariable String agreementId,
                         @RequestHeader(name = "Last-Event-ID", required = false)
                         @FeedId String lastEventId,
                         @RequestParam(name = "after", required = false) @Min(0) Long after) {
        access.check(agreementId);
        // checked per event too: an agreement that is not projected yet passes the check above
        return subscribe(start(lastEventId, after), visible().and(item -> item.agreementId().equals(agreementId)));
    }

    @GetMapping("/transfers")
    @Operation(summary = "The transfer feed: every transfer recorded, completed, cancelled or corrected")
    SseEmitter transfers(@RequestHeader(name = "Last-Event-ID", required = false)
                         @FeedId String lastEventId,
                         @RequestParam(name = "after", required = false) @Min(0) Long after) {
        return subscribe(start(lastEventId, after), visible().and(item -> item.type().startsWith("Transfer")));
    }

    @GetMapping(path = "/recent", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "The latest applied events, newest first, as the streams send them: what a dashboard shows "
            + "before it subscribes with ?after= the first one's feedId (a country sees its own agreements' events only)")
    @ApiResponse(responseCode = "200", description = "The newest events first, at most limit", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, array = @ArraySchema(schema = @Schema(implementation = LiveEvent.class))))
    ResponseEntity<?> recent(@Parameter(description = "How many events, 1 to " + MAX_RECENT, example = "20")
                             @RequestParam(defaultValue = "20") int limit) {
        if (limit < 1 || limit > MAX_RECENT) {
            return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request",
                    "limit must be between 1 and " + MAX_RECENT + ".", "limit");
        }
        return ResponseEntity.ok(backlog.newest(limit, access.restrictedTo()).stream().map(LiveController::render).toList());
    }

    private SseEmitter subscribe(StreamStart after, Predicate<FeedItem> wanted) {
        return feed.subscribe(after, wanted, backlog::after, LiveController::render);
    }

    private StreamStart start(String lastEventId, Long after) {
        return StreamStart.of(lastEventId, after, backlog.latest());
    }

    private Predicate<FeedItem> visible() {
        Optional<String> country = access.restrictedTo();
        return item -> country.isEmpty() || item.parties().contains(country.get());
    }

    static Object render(FeedItem item) {
        return LiveEvent.of(item);
    }
}
