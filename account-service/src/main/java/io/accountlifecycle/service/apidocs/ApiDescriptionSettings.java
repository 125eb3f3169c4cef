package io.accountlifecycle.service.apidocs;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * What the OpenAPI description says about where the API is served ({@code account.api.servers}); the default is the
 * embedded default on this machine. A deployment lists its own gateway's address instead.
 */
@ConfigurationProperties("account.api")
public record ApiDescriptionSettings(List<ServerSetting> servers) {

    public ApiDescriptionSettings {
        servers = servers == null || servers.isEmpty()
                  ? List.of(new ServerSetting("http://localhost:8080",
                                              "local: the embedded default on this machine (plain HTTP on the "
                                              + "loopback interface only)", true))
                  : List.copyOf(servers);
    }

    /**
     * @param description should name the environment (local, staging, production)
     * @param internal    whether only the organisation's own services may call it ({@code x-internal})
     */
    public record ServerSetting(String url, String description, @DefaultValue("true") boolean internal) {
    }
}
