package io.accountlifecycle.service.schema;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The health answers of a service that cannot start yet, on its own HTTP and management ports: liveness up (the
 * process is well, and a restart would change nothing), readiness and every other path {@code 503} with the reason.
 * The JDK's own HTTP server, because Spring's web server comes only with the context that needs the schema.
 */
final class ProbeServer implements AutoCloseable {

    private static final Set<String> LIVENESS = Set.of("/livez", "/actuator/health/liveness");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int RETRY_AFTER_SECONDS = 5;

    private final List<HttpServer> servers = new ArrayList<>();
    private volatile String reason;

    private ProbeServer(String reason) {
        this.reason = reason;
    }

    /** On {@code server.port} and, when it differs, {@code management.server.port}, at their configured addresses. */
    static ProbeServer start(Environment environment, String reason) {
        ProbeServer probes = new ProbeServer(reason);
        int port = environment.getProperty("server.port", Integer.class, 8080);
        int management = environment.getProperty("management.server.port", Integer.class, port);
        try {
            probes.listen(environment.getProperty("server.address"), port);
            if (management >= 0 && management != port) {
                probes.listen(environment.getProperty("management.server.address"), management);
            }
        } catch (IOException e) {
            probes.close();
            throw new UncheckedIOException("Cannot answer health probes on port " + port + " or " + management, e);
        }
        return probes;
    }

    private void listen(String address, int port) throws IOException {
        InetSocketAddress socket = address == null ? new InetSocketAddress(port)
                                                   : new InetSocketAddress(InetAddress.getByName(address), port);
        HttpServer server = HttpServer.create(socket, 0);
        server.createContext("/", this::answer);
        server.start();
        servers.add(server);
    }

    void reason(String reason) {
        this.reason = reason;
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean live = LIVENESS.contains(exchange.getRequestURI().getPath());
            Map<String, String> body = new LinkedHashMap<>();
            body.put("status", live ? "UP" : "OUT_OF_SERVICE");
            if (!live) {
                body.put("reason", Objects.requireNonNullElse(reason, "starting"));
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            }
            byte[] json = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(live ? 200 : 503, json.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(json);
            }
        }
    }

    /** Stops listening at once: the service's own web server binds these ports next. */
    @Override
    public void close() {
        servers.forEach(server -> server.stop(0));
        servers.clear();
    }
}
