package io.accountlifecycle.service.console;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.accountlifecycle.service.ServiceInstances;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console signed in through an external OpenID Connect provider, as production does with Keycloak: a second Spring
 * Authorization Server (its own Spring context and port, its own people and keys) is the issuer, configured only
 * through {@code spring.security.oauth2.client.registration.console.*} and {@code .provider.console.issuer-uri}; it
 * requires PKCE of its client. The person's scopes are what that issuer granted, and they are the actor.
 */
@RealPostgres(database = ConsoleExternalIssuerIT.DATABASE)
@RealKafka
class ConsoleExternalIssuerIT {

    static final String DATABASE = "accounts_console_external";
    private static final String SECRET = "external-console-secret-" + UUID.randomUUID();

    private static ConfigurableApplicationContext issuer;
    private static ConfigurableApplicationContext service;

    @BeforeAll
    static void start() {
        // Its own configuration name: the service's application.yml is not read by the issuer.
        issuer = new SpringApplicationBuilder(ExternalIssuer.class)
                .run("--spring.config.name=external-issuer", "--server.port=0", "--server.address=127.0.0.1",
                     "--spring.main.banner-mode=off");
        String issuerUri = "http://127.0.0.1:" + issuer.getEnvironment().getProperty("local.server.port");
        service = ServiceInstances.start(DATABASE, "console-external-it", "--account.kafka.intake.enabled=false",
                "--spring.security.oauth2.client.registration.console.client-id=account-console",
                "--spring.security.oauth2.client.registration.console.client-secret=" + SECRET,
                "--spring.security.oauth2.client.registration.console.scope=openid,accounts:read,accounts:admin",
                "--spring.security.oauth2.client.provider.console.issuer-uri=" + issuerUri);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    @Test
    void aPersonOfTheExternalIssuerSignsInWithTheScopesItGrantedAndActsAsThemselves() {
        String base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
        String issuerPort = issuer.getEnvironment().getProperty("local.server.port");
        try (Browser browser = new Browser(base)) {
            browser.open("/console");
            assertThat(browser.driver().getCurrentUrl()).as("sent to the external issuer's sign-in")
                    .startsWith("http://127.0.0.1:" + issuerPort + "/login");
            browser.fill("#username", "erin");
            browser.fill("#password", "erin-password-123");
            browser.navigating(() -> browser.find("#password").submit());
            assertThat(browser.path()).isEqualTo("/console");
            assertThat(browser.text("#signed-in-as")).isEqualTo("erin");
            assertThat(browser.driver().getPageSource()).contains("accounts:admin").doesNotContain("accounts:approve");

            browser.open("/console/safety");
            browser.fill("#pause-reason", "external issuer drill");
            browser.navigating(() -> browser.find("#pause-reason").submit());
            assertThat(browser.text("#purges-state")).isEqualTo("paused");
            browser.fill("#pause-reason", "drill over");
            browser.navigating(() -> browser.find("#pause-reason").submit());
            assertThat(browser.text("#purges-state")).isEqualTo("running");
        }
        JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "select count(*) from projection.audit_log where actor = 'erin' and reason = 'external issuer drill'",
                Integer.class) == 1);
    }

    /** A minimal OpenID Connect provider: Spring Authorization Server, one person, one client that must use PKCE. */
    @Configuration(proxyBeanMethods = false)
    @EnableWebSecurity
    @ImportAutoConfiguration({TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
                              WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
                              JacksonAutoConfiguration.class, SecurityAutoConfiguration.class,
                              ServletWebSecurityAutoConfiguration.class, SecurityFilterAutoConfiguration.class})
    static class ExternalIssuer {

        @Bean
        @Order(1)
        SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
            OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
            http.securityMatcher(server.getEndpointsMatcher())
                .with(server, s -> s.oidc(oidc -> {
                }))
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"),
                        new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
            return http.build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain signIn(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .formLogin(form -> {
                });
            return http.build();
        }

        @Bean
        UserDetailsService people() {
            return new InMemoryUserDetailsManager(User.withUsername("erin").password("{noop}erin-password-123")
                                                      .roles("ADMIN").build());
        }

        @Bean
        RegisteredClientRepository clients() {
            return new InMemoryRegisteredClientRepository(RegisteredClient.withId(UUID.randomUUID().toString())
                    .clientId("account-console")
                    .clientSecret("{noop}" + SECRET)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    // A loopback redirect: any port (RFC 8252), as the service's is random.
                    .redirectUri("http://127.0.0.1/login/oauth2/code/console")
                    .scope(OidcScopes.OPENID).scope("accounts:read").scope("accounts:admin")
                    .clientSettings(ClientSettings.builder().requireProofKey(true)
                                                  .requireAuthorizationConsent(false).build())
                    .build());
        }

        private final RSAKey key = generate();

        private static RSAKey generate() {
            try {
                return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
            } catch (com.nimbusds.jose.JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        @Bean
        JWKSource<SecurityContext> keys() {
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        /** For the provider's own user-info endpoint. */
        @Bean
        JwtDecoder jwtDecoder() throws com.nimbusds.jose.JOSEException {
            return NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
        }

        @Bean
        AuthorizationServerSettings settings() {
            return AuthorizationServerSettings.builder().build();
        }
    }
}
