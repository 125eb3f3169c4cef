package io.accountlifecycle.service;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A plain HTTP client for tests that call the service as its users do: JSON in, status and JSON out. */
public final class HttpJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    public HttpJson(int port) {
        this("http://localhost:" + port, null);
    }

    private HttpJson(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The same client sending {@code Authorization: Bearer token} (none when null). */
    public HttpJson withToken(String bearerToken) {
        return new HttpJson(base, bearerToken);
    }

    public record Response(int status, HttpHeaders headers, String raw) {

        public JsonNode json() {
            return raw == null || raw.isEmpty() ? JSON.missingNode() : JSON.readTree(raw);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Response post(String path, String json) {
        return send("POST", path, "application/json", json);
    }

    public Response put(String path, String json) {
        return send("PUT", path, "application/json", json);
    }

    public Response patch(String path, String json) {
        return send("PATCH", path, "application/json", json);
    }

    public Response sendWithHeader(String method, String path, String header, String value, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                               .header("Content-Type", "application/json").header(header, value)
                               .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response send(String method, String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                                                 .method(method, body == null
                                                                 ? HttpRequest.BodyPublishers.noBody()
                                                                 : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    private Response send(HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String openAccountJson(Object accountId, String email, String displayName, String plan) {
        return """
               {"accountId":"%s","email":"%s","displayName":"%s","plan":"%s"}""".formatted(accountId, email,
                                                                                          displayName, plan);
    }
}
