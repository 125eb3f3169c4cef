package io.accountlifecycle.service.secrets;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.springframework.util.StringUtils.hasText;

/**
 * Makes {@code account.data-dir} and its {@code keys/} folder owner-only ({@code 0700}) before any bean exists, so
 * before the embedded PostgreSQL and broker create their folders in it and before a key file is written: the data
 * folder holds the database files, the broker's logs (personal fields in plaintext on the inbound topics) and the
 * keys, and none of them may be readable by another user of the machine. Subfolders keep their own modes
 * (PostgreSQL insists on {@code 0700} or {@code 0750} for its own); a folder nobody else may enter protects them all.
 *
 * <p>Only where something embedded keeps its data there (no {@code spring.datasource.url} or no
 * {@code spring.kafka.bootstrap-servers}); elsewhere the folder is left alone unless it already holds keys, whose
 * folder is tightened as a key file's own writes would.
 */
@Component
class OwnerOnlyDataFolder implements BeanFactoryPostProcessor, EnvironmentAware, Ordered {

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        Path dataDir = Path.of(environment.getProperty("account.data-dir", "data"));
        Path keys = dataDir.resolve("keys");
        if (embedded(environment)) {
            SecretFiles.ownerOnlyFolder(dataDir);
            SecretFiles.ownerOnlyFolder(keys);
        } else if (Files.isDirectory(keys)) {
            SecretFiles.ownerOnlyFolder(keys);
        }
    }

    /** As the embedded PostgreSQL's and broker's own conditions decide. */
    static boolean embedded(Environment environment) {
        boolean enabled = environment.getProperty("account.embedded.enabled", Boolean.class, true);
        return enabled && (!hasText(environment.getProperty("spring.datasource.url"))
                           || !hasText(environment.getProperty("spring.kafka.bootstrap-servers")));
    }
}
