package io.accountlifecycle.service.console;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.service.actor.ActorResolver;
import io.accountlifecycle.service.security.Scopes;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import java.util.List;

/**
 * What every console page knows: who is signed in and which of their scopes open which actions. A button is shown only
 * to a person who may use it; the console's security chain refuses the action to anyone else anyway. Only the
 * console's package (selectors of {@code @ControllerAdvice} are ORed: naming {@code @Controller} too would add this
 * to every API request).
 */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
class ConsoleModel {

    private final ActorResolver actors;

    ConsoleModel(ActorResolver actors) {
        this.actors = actors;
    }

    @ModelAttribute
    void common(Model model) {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        boolean signedIn = caller instanceof OAuth2AuthenticationToken;
        model.addAttribute("signedIn", signedIn);
        model.addAttribute("me", signedIn ? caller.getName() : null);
        model.addAttribute("canRead", signedIn && actors.hasScope(Scopes.READ));
        model.addAttribute("canAdmin", signedIn && actors.hasScope(Scopes.ADMIN));
        model.addAttribute("canApprove", signedIn && actors.hasScope(Scopes.APPROVE));
        model.addAttribute("canLegal", signedIn && actors.hasScope(Scopes.LEGAL));
        model.addAttribute("canExport", signedIn && actors.hasScope(Scopes.EXPORT));
        model.addAttribute("canAnalytics", signedIn && actors.hasScope(Scopes.ANALYTICS));
        model.addAttribute("scopes", signedIn ? Scopes.ALL.stream().filter(actors::hasScope).toList() : List.of());
    }

    /** No reason, or one longer than the API takes ({@link Limits#MAX_REASON_LENGTH} characters). */
    static boolean badReason(String reason) {
        return reason == null || reason.isBlank() || tooLong(reason);
    }

    /** What a person is told when the reason is missing or too long, and what was (not) done. */
    static String giveAReason(String outcome) {
        return "Give a reason (at most " + Limits.MAX_REASON_LENGTH + " characters): " + outcome;
    }

    /** An optional reason longer than the API takes. */
    static boolean tooLong(String reason) {
        return reason != null && reason.strip().length() > Limits.MAX_REASON_LENGTH;
    }

    /** What a refused action or a rule that said no tells a person. */
    static String describe(RuntimeException e) {
        if (e instanceof ErrorResponse response && response.getBody().getDetail() != null) {
            return response.getBody().getDetail();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
