package io.accountlifecycle.service.certificate;

import io.accountlifecycle.service.embedded.EmbeddedPostgresServer;
import io.accountlifecycle.service.eventstore.EventTable;
import io.accountlifecycle.service.roles.Roles;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * Purge certificates and their keys, on the role that serves {@code /accounts/**}: the other roles, and the jar's
 * commands, never load (or generate) the certificate key.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(PurgeCertificateSettings.class)
class PurgeCertificateConfiguration {

    /** The embedded default may create its certificate key on first start; any other deployment must be given one. */
    @Bean
    CertificateKeys certificateKeys(PurgeCertificateSettings settings,
                                    ObjectProvider<EmbeddedPostgresServer> embedded) {
        return CertificateKeys.load(settings, settings.generateKey() || embedded.getIfAvailable() != null);
    }

    @Bean
    PurgeCertificates purgeCertificates(EventTable events, CertificateKeys keys, PurgeCertificateSettings settings,
                                        Clock clock) {
        return new PurgeCertificates(events, keys, settings.issuer(), clock);
    }
}
