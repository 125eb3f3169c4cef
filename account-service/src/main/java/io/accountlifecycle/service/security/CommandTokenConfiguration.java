package io.accountlifecycle.service.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.springframework.util.StringUtils.hasText;

/**
 * The decoder behind {@link CommandTokens}: the key material and checks of the HTTP decoder — the local signing key
 * and issuer ({@link TokenVerificationConfiguration}), or with an external issuer what Spring Boot builds from
 * {@code spring.security.oauth2.resourceserver.jwt.*} (JWK set URI, public key or issuer location; issuer;
 * audiences) — plus every {@code OAuth2TokenValidator<Jwt>} bean, as Boot adds them to its decoder (the audience of
 * {@code account.security.audience}), in a decoder of its own whose lifetime check is judged at a record's append
 * instant. The HTTP decoder stays exactly as it is.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OAuth2ResourceServerProperties.class)
class CommandTokenConfiguration {

    /**
     * The local key is loaded when the first token is verified, not at start: every context has this bean, also
     * {@code restore} and {@code verify}, which verify no token and must neither generate a signing key nor be refused
     * for lacking an issuer. A web application has loaded it at start already ({@code localJwtDecoder}).
     */
    @Bean
    CommandTokens commandTokens(TokenSettings settings, OAuth2ResourceServerProperties resourceServer, Clock clock,
                                Environment environment, ObjectProvider<OAuth2TokenValidator<Jwt>> validators,
                                ObjectProvider<JwtAuthenticationConverter> authentication) {
        OAuth2ResourceServerProperties.Jwt issuer = resourceServer.getJwt();
        boolean external = hasText(issuer.getIssuerUri()) || hasText(issuer.getJwkSetUri())
                           || issuer.getPublicKeyLocation() != null;
        List<OAuth2TokenValidator<Jwt>> additional = validators.orderedStream().toList();
        // The HTTP resource server reads names and authorities with the converter bean when there is one.
        return new CommandTokens(clock, lifetime -> external
                        ? externalDecoder(issuer, lifetime, additional)
                        : new SupplierJwtDecoder(() -> TokenVerificationConfiguration.localDecoder(
                                TokenVerificationConfiguration.localTokens(settings, environment), settings.issuer(),
                                lifetime, additional)),
                                 authentication.getIfAvailable(JwtAuthenticationConverter::new));
    }

    /**
     * As Spring Boot's resource server builds its decoder from the same properties (JWK set URI first, then a public
     * key, then the issuer's discovery document), with {@code lifetime} in place of the default lifetime check.
     */
    static JwtDecoder externalDecoder(OAuth2ResourceServerProperties.Jwt properties,
                                      OAuth2TokenValidator<Jwt> lifetime, List<OAuth2TokenValidator<Jwt>> additional) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>(List.of(lifetime));
        if (hasText(properties.getIssuerUri())) {
            validators.add(new JwtIssuerValidator(properties.getIssuerUri()));
        }
        List<String> audiences = properties.getAudiences();
        if (audiences != null && !audiences.isEmpty()) {
            validators.add(new JwtClaimValidator<List<String>>(
                    JwtClaimNames.AUD, audience -> audience != null && !Collections.disjoint(audience, audiences)));
        }
        validators.addAll(additional);
        OAuth2TokenValidator<Jwt> validator = JwtValidators.createDefaultWithValidators(validators);
        if (hasText(properties.getJwkSetUri())) {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(properties.getJwkSetUri())
                    .jwsAlgorithms(algorithms -> properties.getJwsAlgorithms()
                                                           .forEach(name -> algorithms.add(algorithm(name))))
                    .build();
            decoder.setJwtValidator(validator);
            return decoder;
        }
        if (properties.getPublicKeyLocation() != null) {
            List<String> algorithms = properties.getJwsAlgorithms();
            if (algorithms.size() != 1) {
                throw new IllegalStateException("A public key verifies exactly one JWS algorithm; configured: "
                                                + algorithms);
            }
            try (InputStream key = properties.getPublicKeyLocation().getInputStream()) {
                NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(RsaKeyConverters.x509().convert(key))
                                                           .signatureAlgorithm(algorithm(algorithms.get(0))).build();
                decoder.setJwtValidator(validator);
                return decoder;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + properties.getPublicKeyLocation(), e);
            }
        }
        // The discovery document is fetched on first use, as Boot's decoder does: a start does not wait on the issuer.
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(properties.getIssuerUri()).build();
            decoder.setJwtValidator(validator);
            return decoder;
        });
    }

    private static SignatureAlgorithm algorithm(String name) {
        SignatureAlgorithm algorithm = SignatureAlgorithm.from(name);
        if (algorithm == null) {
            throw new IllegalStateException("Unknown JWS algorithm '" + name
                                            + "' in spring.security.oauth2.resourceserver.jwt.jws-algorithms");
        }
        return algorithm;
    }
}
