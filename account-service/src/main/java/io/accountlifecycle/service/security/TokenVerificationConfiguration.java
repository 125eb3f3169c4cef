package io.accountlifecycle.service.security;

import com.nimbusds.jose.JOSEException;
import io.accountlifecycle.api.Limits;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.springframework.util.StringUtils.hasText;

/**
 * Which tokens open the service, on every door. The checks beyond signature and lifetime are
 * {@code OAuth2TokenValidator<Jwt>} beans, because Spring Boot's resource server adds exactly those to the decoder it
 * builds for an external issuer: the local HTTP decoder here and the Kafka decoder ({@link CommandTokenConfiguration})
 * add the same beans, so a check declared once holds on HTTP and on Kafka, whichever key signs.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TokenSettings.class)
public class TokenVerificationConfiguration {

    static final String ISSUER_URI = "spring.security.oauth2.resourceserver.jwt.issuer-uri";
    static final String JWK_SET_URI = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri";
    static final String PUBLIC_KEY = "spring.security.oauth2.resourceserver.jwt.public-key-location";

    /**
     * The audience check. An external issuer signs tokens for many services; without it, any token the issuer minted
     * for any of them would open this one. So with an external issuer the audience is required, and a start without
     * it is refused rather than left open.
     */
    @Bean
    @Conditional(AudienceChecked.class)
    OAuth2TokenValidator<Jwt> audienceValidator(TokenSettings settings) {
        if (settings.audience() == null) {
            throw new IllegalStateException(
                    "account.security.audience is not set, but tokens come from an external issuer (" + ISSUER_URI
                    + ", .jwk-set-uri or .public-key-location is set). Set account.security.audience "
                    + "(environment ACCOUNT_SECURITY_AUDIENCE) to the audience (aud) the issuer puts in tokens meant "
                    + "for this service, e.g. account-service: without it a token minted for any other service of "
                    + "that issuer would be accepted here.");
        }
        return new JwtAudienceValidator(settings.audience());
    }

    /**
     * The token's subject is the actor of every change it makes, stored in events and shown in the audit log: a token
     * without one, or with one longer than {@link Limits#MAX_ACTOR_LENGTH} characters, is refused (over HTTP and on
     * {@code account.commands} alike, as every validator bean is).
     */
    @Bean
    OAuth2TokenValidator<Jwt> subjectValidator() {
        return jwt -> {
            String subject = jwt.getSubject();
            if (subject == null || subject.isBlank()) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "The token has no subject",
                                                                          null));
            }
            if (subject.length() > Limits.MAX_ACTOR_LENGTH) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error(
                        "invalid_token", "The token's subject is longer than " + Limits.MAX_ACTOR_LENGTH
                                         + " characters", null));
            }
            return OAuth2TokenValidatorResult.success();
        };
    }

    /**
     * Without an external issuer, HTTP tokens are verified against the local signing key: signature, issuer,
     * lifetime, and every validator bean (the audience when one is set). Only a web application serves HTTP, so
     * {@code restore} and {@code verify} never load (or generate) the key.
     */
    @Bean
    @ConditionalOnWebApplication
    @Conditional(NoExternalIssuer.class)
    JwtDecoder localJwtDecoder(TokenSettings settings, Environment environment, Clock clock,
                               ObjectProvider<OAuth2TokenValidator<Jwt>> validators) {
        return new CachingJwtDecoder(localDecoder(localTokens(settings, environment), settings.issuer(),
                                                  new JwtTimestampValidator(), validators.orderedStream().toList()),
                                     clock);
    }

    /**
     * The local signing key, where a deployment may use it: on the embedded default, or where
     * {@code account.security.local-issuer.enabled=true} says so. A service given an external database is a
     * production-like deployment; generating a signing key there would make a folder on one pod the root of trust,
     * silently, as a missing master key would make a fresh one. So it refuses, as the master key does.
     *
     * @throws IllegalStateException naming the properties that would let it start
     */
    static LocalTokens localTokens(TokenSettings settings, PropertyResolver environment) {
        if (hasText(environment.getProperty("spring.datasource.url")) && !settings.localIssuer().enabled()) {
            throw new IllegalStateException(
                    "No token issuer: spring.datasource.url names an external database, but neither " + ISSUER_URI
                    + " nor .jwk-set-uri is set, so tokens would be checked against a local signing key ("
                    + settings.signingKeyFile().toAbsolutePath() + ", generated if missing). Configure the external "
                    + "issuer (and account.security.audience), or set account.security.local-issuer.enabled=true "
                    + "(environment ACCOUNT_SECURITY_LOCALISSUER_ENABLED=true) if the local key is meant.");
        }
        return LocalTokens.loadOrCreate(settings.signingKeyFile(), settings.issuer(), settings.audience());
    }

    /**
     * A decoder for tokens signed by {@code tokens}' key: {@code lifetime} (Spring's default, or the Kafka intake's
     * check at the record's append instant), the local issuer and {@code additional} validators.
     */
    static JwtDecoder localDecoder(LocalTokens tokens, String issuer, OAuth2TokenValidator<Jwt> lifetime,
                                   List<OAuth2TokenValidator<Jwt>> additional) {
        NimbusJwtDecoder decoder;
        try {
            decoder = NimbusJwtDecoder.withPublicKey(tokens.publicKey().toRSAPublicKey()).build();
        } catch (JOSEException e) {
            throw new IllegalStateException("The token signing key is not usable", e);
        }
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>(List.of(lifetime, new JwtIssuerValidator(issuer)));
        validators.addAll(additional);
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(validators));
        return decoder;
    }

    static boolean externalIssuer(PropertyResolver environment) {
        return hasText(environment.getProperty(ISSUER_URI)) || hasText(environment.getProperty(JWK_SET_URI))
               || hasText(environment.getProperty(PUBLIC_KEY));
    }

    static class NoExternalIssuer implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !externalIssuer(context.getEnvironment());
        }
    }

    /** An external issuer (the audience is then required), or an audience set for the local key. */
    static class AudienceChecked implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return externalIssuer(context.getEnvironment())
                   || hasText(context.getEnvironment().getProperty("account.security.audience"));
        }
    }
}
