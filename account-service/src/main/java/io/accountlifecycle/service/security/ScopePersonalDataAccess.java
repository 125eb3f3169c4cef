package io.accountlifecycle.service.security;

import io.accountlifecycle.projections.support.PersonalDataAccess;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** Analytics open personal fields only for a caller whose token also carries {@code accounts:read}. */
@Component
class ScopePersonalDataAccess implements PersonalDataAccess {

    private static final String READ = Scopes.authority(Scopes.READ);

    @Override
    public boolean callerMayReadPersonalData() {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        return caller != null && caller.getAuthorities().stream().anyMatch(a -> READ.equals(a.getAuthority()));
    }
}
