package io.accountlifecycle.service.certificate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import io.accountlifecycle.api.EventEnvelope;
import io.accountlifecycle.service.eventstore.EventStoreConfiguration;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar account-service.jar verify-certificate FILE --jwks URL|FILE [--events FILE]} checks a purge
 * certificate as a third party would: its signature against the published keys (by {@code kid}), its {@code typ} and
 * algorithm, and with {@code --events} (the account's {@code account.events} records, one envelope per line, e.g. from
 * {@code kcat -C -t account.events -e -f '%s\n'}) that the events hash to the chain head it states. Prints the
 * claims and {@code valid} (exit 0), or why not (exit 1); a usage error exits 2. Starts nothing of the service and
 * needs neither its database nor its broker.
 */
public final class VerifyCertificateCommand {

    static final String NAME = "verify-certificate";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private VerifyCertificateCommand() {
    }

    public static boolean handles(String[] args) {
        return args.length > 0 && args[0].equals(NAME);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String file = null;
        String jwks = null;
        String events = null;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--jwks") || arg.equals("--events")) && i + 1 < args.length) {
                if (arg.equals("--jwks")) {
                    jwks = args[++i];
                } else {
                    events = args[++i];
                }
            } else if (!arg.startsWith("--") && file == null) {
                file = arg;
            } else {
                err.println("Unexpected argument: " + arg);
                return usage(err);
            }
        }
        if (file == null || jwks == null) {
            return usage(err);
        }
        try {
            String certificate = Files.readString(Path.of(file));
            PurgeCertificateClaims claims = CertificateVerifier.verify(certificate, keys(jwks));
            if (events != null) {
                CertificateVerifier.verifyChain(claims, envelopes(Path.of(events)));
            }
            // Claims only once everything checked: what is printed is what was verified.
            claims.asMap().forEach((name, value) -> out.println(name + ": " + value));
            if (events != null) {
                out.println("chain: the " + claims.eventCount() + " events in " + events + " hash to chainHead");
            }
            out.println("valid");
            return 0;
        } catch (InvalidCertificateException e) {
            err.println("invalid: " + e.getMessage());
            return 1;
        } catch (IOException | ParseException | IllegalArgumentException e) {
            err.println("invalid: cannot read the input: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted");
            return 1;
        }
    }

    /** The key set at {@code location}: an http(s) URL, or a file. */
    static JWKSet keys(String location) throws IOException, ParseException, InterruptedException {
        if (location.startsWith("http://") || location.startsWith("https://")) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                                          .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(location)).timeout(TIMEOUT)
                                                                   .GET().build(),
                                                        HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(location + " answered " + response.statusCode());
            }
            return JWKSet.parse(response.body());
        }
        return JWKSet.parse(Files.readString(Path.of(location)));
    }

    /** One envelope per non-blank line, as the topic's record values are. */
    static List<EventEnvelope> envelopes(Path file) throws IOException {
        ObjectMapper json = EventStoreConfiguration.axonObjectMapper();
        List<EventEnvelope> envelopes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                envelopes.add(json.readValue(line, EventEnvelope.class));
            }
        }
        return envelopes;
    }

    private static int usage(PrintStream err) {
        err.println("Usage: java -jar account-service.jar " + NAME + " CERTIFICATE_FILE --jwks URL|FILE "
                    + "[--events FILE]");
        err.println("  --jwks    the published keys, e.g. https://accounts.example.com"
                    + PurgeCertificateController.KEYS_PATH);
        err.println("  --events  the account's records of account.events, one JSON envelope per line");
        return 2;
    }
}
