package io.accountlifecycle.service.embedded;

import io.accountlifecycle.service.secrets.SecretFiles;

import java.nio.file.Path;

/**
 * The embedded broker's generated credentials, one owner-only file per user under the data folder's {@code keys/}:
 * {@code kafka-account-service.password} (the service: the only user that may write the topics a restore trusts),
 * {@code kafka-product-service.password} (a local product service: may send commands and read events and results),
 * and the broker's own users on its internal and controller listeners.
 */
public final class KafkaCredentials {

    public static final String SERVICE_USER = "account-service";
    public static final String PRODUCT_USER = "product-service";
    static final String BROKER_USER = "broker";
    static final String CONTROLLER_USER = "controller";
    public static final String MECHANISM = "SCRAM-SHA-512";

    private static final int ENTROPY_BYTES = 24;

    private KafkaCredentials() {
    }

    public static Path fileOf(Path keysFolder, String user) {
        return keysFolder.resolve("kafka-" + user + ".password");
    }

    /** The user's password, generated at first use. */
    public static String password(Path keysFolder, String user) {
        return SecretFiles.readOrCreate(fileOf(SecretFiles.ownerOnlyFolder(keysFolder), user),
                                        () -> SecretFiles.randomPassword(ENTROPY_BYTES));
    }

    /** A client's {@code sasl.jaas.config} for SCRAM. */
    public static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
               + "\" password=\"" + password + "\";";
    }
}
