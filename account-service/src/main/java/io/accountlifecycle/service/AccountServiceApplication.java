package io.accountlifecycle.service;

import io.accountlifecycle.service.certificate.NewCertificateKeyCommand;
import io.accountlifecycle.service.certificate.VerifyCertificateCommand;
import io.accountlifecycle.service.recovery.RecoveryCommand;
import io.accountlifecycle.service.recovery.RotateMasterKeyCommand;
import io.accountlifecycle.service.schema.MigrateCommand;
import io.accountlifecycle.service.schema.SchemaGate;
import io.accountlifecycle.service.console.UserCommand;
import io.accountlifecycle.service.security.TokenCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class AccountServiceApplication {

    public static void main(String[] args) {
        // Subcommands dispatch before any of the application starts: no banner, no database, no broker.
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(TokenCommand.run(args, System.out, System.err));
        }
        if (UserCommand.handles(args)) {
            System.exit(UserCommand.run(args, System.in, System.out, System.err));
        }
        if (NewCertificateKeyCommand.handles(args)) {
            System.exit(NewCertificateKeyCommand.run(args, System.out, System.err));
        }
        if (VerifyCertificateCommand.handles(args)) {
            System.exit(VerifyCertificateCommand.run(args, System.out, System.err));
        }
        if (MigrateCommand.handles(args)) {
            System.exit(MigrateCommand.run(args, System.out, System.err));
        }
        if (RotateMasterKeyCommand.handles(args)) {
            disableUpdateChecks();
            System.exit(RotateMasterKeyCommand.run(args, System.out));
        }
        if (RecoveryCommand.handles(args)) {
            disableUpdateChecks();
            System.exit(RecoveryCommand.run(args, System.out));
        }
        disableUpdateChecks();
        application().run(args);
    }

    /** The service as {@code main} starts it: behind the {@link SchemaGate}, which waits for the schema it needs. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(AccountServiceApplication.class);
        application.addListeners(new SchemaGate());
        return application;
    }

    /** Axon would otherwise call home for update checks at start-up; a production service does not. */
    private static void disableUpdateChecks() {
        if (System.getProperty("axoniq.update-checker.disabled") == null) {
            System.setProperty("axoniq.update-checker.disabled", "true");
        }
    }
}
