package io.accountlifecycle.service.personal;

import io.accountlifecycle.service.embedded.EmbeddedPostgresServer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CryptoProperties.class)
class PersonalDataConfiguration {

    /** The embedded default may create its master key on first start; any other deployment must be given one. */
    @Bean
    DataKeyStore dataKeyStore(JdbcTemplate jdbc, CryptoProperties properties,
                              ObjectProvider<EmbeddedPostgresServer> embedded) {
        boolean mayGenerate = properties.generateMasterKey() || embedded.getIfAvailable() != null;
        return new DataKeyStore(jdbc, MasterKey.load(properties, mayGenerate), properties.dataKeyCacheTtl());
    }

    @Bean
    DataKeyDestructionListener dataKeyDestructionListener(DataKeyStore keys, JdbcConnectionDetails database) {
        return new DataKeyDestructionListener(keys, database);
    }

    @Bean
    PersonalDataSealer personalDataSealer(DataKeyStore keys) {
        return new PersonalDataSealer(keys);
    }
}
