package io.accountlifecycle.service.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Ends a console session that should no longer stand, before anything is done with it: older than
 * {@code account.console.session-max-age} since sign-in (however active), or — with the local issuer — of a person
 * removed by {@code user remove} or no longer holding every scope the session carries. The person is sent to sign in
 * again and gets what they hold now. (An idle session ends by itself after {@code server.servlet.session.timeout}.)
 */
final class ConsoleSessionGuard extends OncePerRequestFilter {

    private final Duration maxAge;
    private final Optional<ConsolePeople> people;
    private final Clock clock;

    ConsoleSessionGuard(Duration maxAge, Optional<ConsolePeople> people, Clock clock) {
        this.maxAge = maxAge;
        this.people = people;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        HttpSession session = request.getSession(false);
        if (caller instanceof OAuth2AuthenticationToken && session != null && !stands(caller, session)) {
            session.invalidate();
            SecurityContextHolder.clearContext();
            response.sendRedirect(request.getContextPath() + "/console");
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean stands(Authentication caller, HttpSession session) {
        if (clock.millis() - session.getCreationTime() > maxAge.toMillis()) {
            return false;
        }
        if (people.isEmpty()) {
            return true;
        }
        Optional<List<String>> held = people.get().currentScopes(caller.getName());
        if (held.isEmpty()) {
            return false;
        }
        Set<String> allowed = new HashSet<>();
        held.get().forEach(scope -> allowed.add(Scopes.authority(scope)));
        allowed.add(Scopes.authority("openid"));
        for (GrantedAuthority authority : caller.getAuthorities()) {
            String name = authority.getAuthority();
            if (name.startsWith("SCOPE_") && !allowed.contains(name)) {
                return false;
            }
        }
        return true;
    }
}
