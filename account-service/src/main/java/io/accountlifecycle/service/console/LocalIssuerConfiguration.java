package io.accountlifecycle.service.console;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.service.secrets.SecretFiles;
import io.accountlifecycle.service.security.ConsoleMode;
import io.accountlifecycle.service.security.LazyConsoleRegistration;
import io.accountlifecycle.service.security.Scopes;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.session.DisableEncodeUrlFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.util.UriComponents;
import org.springframework.web.util.UriComponentsBuilder;

import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The embedded default's own OpenID Connect issuer, for the console: Spring Authorization Server on the service's
 * port, with one client (the console, confidential and bound to PKCE), people from {@link ConsoleUsers} signing in on
 * {@code /signin}, and a signing key of its own ({@code keys/console-issuer-key.json}): a token it issues names this
 * issuer and is signed by that key, so it never opens the API (whose tokens the {@code token} command signs with the
 * API key). What a person may do is what they were given with {@code user add --scopes}: the authorisation keeps
 * only those of the console's requested scopes.
 *
 * <p>Authorisations live in memory: this issuer serves one instance (the embedded default, or a deployment that
 * chose {@code account.security.local-issuer.enabled}); a restart signs people out of the issuer, while the console's
 * own sessions (JDBC) stay.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@Conditional(ConsoleMode.Local.class)
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
public class LocalIssuerConfiguration {

    static final String CALLBACK_PATH = "/login/oauth2/code/" + ConsoleMode.REGISTRATION_ID;
    private static final String CLIENT_ID = "account-console";
    /** Sign-ins in flight or done that the issuer remembers; older ones are forgotten (their console sessions stay). */
    static final int MAX_AUTHORIZATIONS = 1000;

    /** The console client's secret: generated at each start, known only to this process (client and issuer). */
    private final String clientSecret = SecretFiles.randomPassword(32);

    @Bean
    ConsoleUsers consoleUsers(Environment environment) {
        String file = environment.getProperty("account.console.users-file");
        return new ConsoleUsers(file != null ? Path.of(file)
                                             : ConsoleUsers.defaultFile(Path.of(environment.getProperty(
                                                     "account.data-dir", "data"))));
    }

    @Bean
    @Order(0)
    SecurityFilterChain localIssuer(HttpSecurity http) throws Exception {
        OAuth2AuthorizationServerConfigurer issuer = new OAuth2AuthorizationServerConfigurer();
        http.securityMatcher(issuer.getEndpointsMatcher())
            .with(issuer, server -> server
                    .oidc(oidc -> {
                    })
                    .authorizationEndpoint(endpoint -> endpoint.authenticationProviders(providers -> providers
                            .forEach(provider -> {
                                if (provider instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider p) {
                                    p.setAuthenticationValidator(LocalIssuerConfiguration::validate);
                                }
                            }))))
            .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
            .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                    new LoginUrlAuthenticationEntryPoint("/signin"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
    }

    /** The issuer's sign-in form: name and password against {@link ConsoleUsers}. */
    @Bean
    @Order(3)
    SecurityFilterChain localIssuerSignIn(HttpSecurity http, ConsoleUsers users, Environment environment)
            throws Exception {
        int perMinute = environment.getProperty("account.console.sign-in-attempts-per-minute", Integer.class, 10);
        http.securityMatcher("/signin")
            // Before anything else, the CSRF check included: a guess past the limit costs no bcrypt hash.
            .addFilterBefore(new SignInThrottle(perMinute), DisableEncodeUrlFilter.class)
            .userDetailsService(users)
            .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
            .formLogin(form -> form.loginPage("/signin").loginProcessingUrl("/signin").failureUrl("/signin?error")
                                   // Signed in here without an authorisation request waiting: on to the console.
                                   .defaultSuccessUrl("/console"))
            .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                    "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
                    + "form-action 'self'; base-uri 'none'")));
        return http.build();
    }

    /**
     * The redirect URI is the console's callback on the very origin the browser sent the authorisation request to (the
     * issuer and the console are one server, so the code never leaves it), whatever host name or port the service is
     * reached by; anything else is checked against the registered URIs by Spring's rule. Scopes by Spring's rule.
     */
    private static void validate(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        // The request's own redirect_uri (the context's authorisation request is that of a consent, if any).
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        String redirect = request.getRedirectUri();
        if (redirect == null || !sameOriginCallback(redirect)) {
            OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR.accept(context);
        }
        OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_SCOPE_VALIDATOR.accept(context);
    }

    private static boolean sameOriginCallback(String redirect) {
        // The issuer of this request: no issuer is configured, so Spring Authorization Server resolves it from the
        // request the browser sent (its scheme, host and port) for each request.
        AuthorizationServerContext context = AuthorizationServerContextHolder.getContext();
        if (context == null || context.getIssuer() == null) {
            return false;
        }
        try {
            UriComponents issuer = UriComponentsBuilder.fromUriString(context.getIssuer()).build();
            UriComponents uri = UriComponentsBuilder.fromUriString(redirect).build();
            return issuer.getScheme() != null && issuer.getScheme().equals(uri.getScheme())
                   && issuer.getHost() != null && issuer.getHost().equalsIgnoreCase(uri.getHost())
                   && port(issuer) == port(uri)
                   && CALLBACK_PATH.equals(uri.getPath()) && uri.getQuery() == null && uri.getFragment() == null
                   && uri.getUserInfo() == null;
        } catch (RuntimeException malformed) { // a port out of range, a URI that does not parse
            return false;
        }
    }

    private static int port(UriComponents uri) {
        return uri.getPort() == -1 ? defaultPort(uri.getScheme()) : uri.getPort();
    }

    private static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }

    @Bean
    RegisteredClientRepository registeredClients() {
        RegisteredClient.Builder console = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(CLIENT_ID)
                .clientSecret("{noop}" + clientSecret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                // Never used: the console's callback on the request's own origin is the one accepted (validate), and
                // Spring's rule needs one registered URI.
                .redirectUri("http://127.0.0.1/no-other-redirect-is-accepted")
                .scope(OidcScopes.OPENID)
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false)
                                              .build())
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(Duration.ofMinutes(5)).build());
        Scopes.ALL.forEach(console::scope);
        return new InMemoryRegisteredClientRepository(console.build());
    }

    /**
     * Keeps of an authorisation's scopes only {@code openid} and those its person holds, and at most the newest
     * {@link #MAX_AUTHORIZATIONS} authorisations (the console needs one only while its sign-in completes).
     */
    @Bean
    OAuth2AuthorizationService authorizations(RegisteredClientRepository clients, ConsoleUsers users) {
        InMemoryOAuth2AuthorizationService memory = new InMemoryOAuth2AuthorizationService();
        Map<String, OAuth2Authorization> kept = new LinkedHashMap<>();
        return new OAuth2AuthorizationService() {
            @Override
            public void save(OAuth2Authorization authorization) {
                Set<String> held = new HashSet<>(users.scopesOf(authorization.getPrincipalName()));
                held.add(OidcScopes.OPENID);
                Set<String> granted = new LinkedHashSet<>(authorization.getAuthorizedScopes());
                if (granted.retainAll(held)) {
                    authorization = OAuth2Authorization.from(authorization).authorizedScopes(granted).build();
                }
                memory.save(authorization);
                synchronized (kept) {
                    kept.remove(authorization.getId());
                    kept.put(authorization.getId(), authorization);
                    if (kept.size() > MAX_AUTHORIZATIONS) {
                        OAuth2Authorization oldest = kept.values().iterator().next();
                        kept.remove(oldest.getId());
                        memory.remove(oldest);
                    }
                }
            }

            @Override
            public void remove(OAuth2Authorization authorization) {
                synchronized (kept) {
                    kept.remove(authorization.getId());
                }
                memory.remove(authorization);
            }

            @Override
            public OAuth2Authorization findById(String id) {
                return memory.findById(id);
            }

            @Override
            public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
                return memory.findByToken(token, tokenType);
            }
        };
    }

    @Bean
    JWKSource<SecurityContext> issuerKeys(Environment environment) {
        Path file = Path.of(environment.getProperty("account.data-dir", "data"), "keys", "console-issuer-key.json");
        String json = SecretFiles.readOrCreate(file, () -> {
            try {
                return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate().toJSONString();
            } catch (JOSEException e) {
                throw new IllegalStateException("Cannot generate the console issuer's signing key", e);
            }
        });
        try {
            return new ImmutableJWKSet<>(new JWKSet(RSAKey.parse(json)));
        } catch (ParseException e) {
            throw new IllegalStateException("The console issuer's key " + file + " is not a valid RSA JWK", e);
        }
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings() {
        return AuthorizationServerSettings.builder().build();
    }

    /**
     * The console's registration with this issuer. Built at first use, once the server has its port: the browser is
     * sent to the authorisation endpoint on the origin it uses (a relative URI), while the code is exchanged and the
     * keys fetched over loopback.
     */
    @Bean
    ClientRegistrationRepository clientRegistrations(Environment environment) {
        return new LazyConsoleRegistration(() -> {
            String port = environment.getProperty("local.server.port",
                                                  environment.getProperty("server.port", "8080"));
            boolean tls = environment.getProperty("server.ssl.enabled", Boolean.class, false);
            String address = environment.getProperty("server.address", "127.0.0.1");
            if (address.equals("0.0.0.0") || address.equals("::")) {
                address = "127.0.0.1";
            }
            String base = (tls ? "https://" : "http://") + (address.contains(":") ? "[" + address + "]"
                                                                                 : address) + ":" + port;
            Set<String> scopes = new LinkedHashSet<>();
            scopes.add(OidcScopes.OPENID);
            scopes.addAll(Scopes.ALL);
            return ClientRegistration.withRegistrationId(ConsoleMode.REGISTRATION_ID)
                    .clientId(CLIENT_ID)
                    .clientSecret(clientSecret)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("{baseUrl}" + CALLBACK_PATH)
                    .scope(scopes)
                    .authorizationUri("/oauth2/authorize")
                    .tokenUri(base + "/oauth2/token")
                    .jwkSetUri(base + "/oauth2/jwks")
                    .issuerUri(base)
                    .userNameAttributeName(IdTokenClaimNames.SUB)
                    .clientName("Account lifecycle console")
                    .build();
        });
    }
}
