package io.accountlifecycle.service.console;

import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.service.security.ConsoleMode;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The local issuer's sign-in form (Spring Security's form login posts back to {@code /signin}). */
@Controller
@Conditional(ConsoleMode.Local.class)
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class LocalIssuerPages {

    @GetMapping("/signin")
    String signIn() {
        return "signin";
    }
}
