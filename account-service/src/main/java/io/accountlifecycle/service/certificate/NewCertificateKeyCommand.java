package io.accountlifecycle.service.certificate;

import java.io.PrintStream;

/**
 * {@code java -jar account-service.jar new-purge-certificate-key} prints a new purge certificate signing key (a
 * private EC P-256 JWK with a random {@code kid}) on stdout and nothing else, for the Secret production mounts: the
 * key is made where the operator runs it, never by a pod. Starts nothing of the service.
 */
public final class NewCertificateKeyCommand {

    static final String NAME = "new-purge-certificate-key";

    private NewCertificateKeyCommand() {
    }

    public static boolean handles(String[] args) {
        return args.length > 0 && args[0].equals(NAME);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 1) {
            err.println("Usage: java -jar account-service.jar " + NAME + " > key.json");
            return 2;
        }
        out.println(CertificateKeys.newKey().toJSONString());
        return 0;
    }
}
