package io.accountlifecycle.service.console;

import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.service.security.ConsoleMode;
import io.accountlifecycle.service.security.ConsoleSecurityConfiguration;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;

/** The console's start page, its sign-in and signed-out pages, and what a refused action shows. */
@Controller
@Conditional(ConsoleMode.On.class)
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class ConsolePages {

    @GetMapping({"/console", "/console/"})
    String home() {
        return "home";
    }

    @GetMapping("/console/sign-in")
    String signIn() {
        return "sign-in";
    }

    @GetMapping("/console/signed-out")
    String signedOut() {
        return "signed-out";
    }

    /** A refused action (a scope the person lacks) or a form not sent from the console (no CSRF token). */
    @RequestMapping("/console/denied")
    @ResponseStatus(HttpStatus.FORBIDDEN)
    String denied(HttpServletRequest request, Model model) {
        model.addAttribute("reason", request.getAttribute(ConsoleSecurityConfiguration.DENIED_REASON));
        return "denied";
    }
}
