package org.agreementledger.projection.rebuild;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.agreementledger.security.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;


@RestController
@RequestMapping(path = "/admin", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Operations", description = "Needs ledger.admin")
class RebuildController {

    private final ProjectionRebuild rebuild;

    RebuildController(ProjectionRebuild rebuild) {
        this.rebuild = rebuild;
    }

    @GetMapping("/rebuild")
    @Operation(summary = "Whether a rebuild runs, how far it got, and the last one's report",
            description = "The latest rebuild on any instance sharing this one's database, kept in that database: the "
                    + "report of a rebuild whose answer was lost (a client or proxy that gave up waiting) is here until "
                    + "the next rebuild, restarts included; one whose instance stopped before it ended is INTERRUPTED.")
    @ApiResponse(responseCode = "200", description = "The state of the current or last rebuild",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ProjectionRebuild.Status.class)))
    ProjectionRebuild.Status rebuildStatus() {
        return rebuild.status();
    }

    @PostMapping("/rebuild")
    @Operation(summary = "Rebuild every view from the beginning of the topic and swap it in atomically",
            description = "Queries keep answering from the current views meanwhile. Answers when done, with the number of "
                    + "rows that differ between the rebuilt and the replaced views (0 everywhere: identical).")
    @ApiResponse(responseCode = "200", description = "What the rebuild did, and whether the rebuilt views equal the replaced ones",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ProjectionRebuild.Report.class)))
    ResponseEntity<?> rebuild() {
        try {
            return ResponseEntity.ok(rebuild.rebuild());
        } catch (ProjectionRebuild.AlreadyRunning e) {
            return Problems.response(HttpStatus.CONFLICT, "rebuild-running", e.getMessage(), null);
        }
    }
}
