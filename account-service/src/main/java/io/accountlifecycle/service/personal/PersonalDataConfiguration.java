package io.accountlifecycle.service.personal;

import io.accountlifecycle.service.embedded.EmbeddedPostgresServer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CryptoProperties.class)
class PersonalDataConfiguration {

    /** The embedded default may create its master key on first start; any other deployment must be given one. */
    @Bean
    MasterKey.Loaded masterKey(CryptoProperties properties, ObjectProvider<EmbeddedPostgresServer> embedded) {
        boolean mayGenerate = properties.generateMasterKey() || embedded.getIfAvailable() != null;
        return MasterKey.load(properties, mayGenerate);
    }

    @Bean
    DataKeyStore dataKeyStore(JdbcTemplate jdbc, CryptoProperties properties, MasterKey.Loaded masterKey) {
        return new DataKeyStore(jdbc, masterKey.aead(), properties.dataKeyCacheTtl(),
                                properties.newDataKeyCacheTtl());
    }

    /** Tags what the service writes to its topics, and verifies what a restore reads back. */
    @Bean
    RecordAuthentication recordAuthentication(MasterKey.Loaded masterKey) {
        return RecordAuthentication.of(masterKey.keyset());
    }

    @Bean
    DataKeyDestructionListener dataKeyDestructionListener(DataKeyStore keys, JdbcConnectionDetails database) {
        return new DataKeyDestructionListener(keys, database);
    }

    @Bean
    PersonalDataSealer personalDataSealer(DataKeyStore keys) {
        return new PersonalDataSealer(keys);
    }

    @Bean
    EmailIndexKey emailIndexKey(JdbcTemplate jdbc, MasterKey.Loaded masterKey,
                                PlatformTransactionManager transactions) {
        return new EmailIndexKey(jdbc, masterKey.aead(), transactions);
    }
}
