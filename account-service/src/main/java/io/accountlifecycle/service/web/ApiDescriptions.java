package io.accountlifecycle.service.web;

import io.accountlifecycle.service.roles.Roles;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The AsyncAPI description of the topics, {@code GET /asyncapi.json}, and the JSON Schemas it refers to,
 * {@code GET /schemas/*.json} (its {@code ./schemas/…} references resolve there), served anonymously like the OpenAPI
 * description ({@code SecurityConfiguration} opens both paths), as they are in the account-api jar. On the roles that serve an HTTP API (commands, projections).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@ConditionalOnExpression("${" + Roles.HTTP_COMMANDS + ":true} or ${" + Roles.PROJECTIONS + ":true}")
class ApiDescriptions implements WebMvcConfigurer {

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        // A resource handler serves the part of the path its pattern matches from its first variable segment on: the
        // whole file name here ("/asyncapi.json" itself would match an empty path, which is never served).
        registry.addResourceHandler("/{document:asyncapi\\.json}").addResourceLocations("classpath:/");
        registry.addResourceHandler("/schemas/*.json").addResourceLocations("classpath:/schemas/");
    }
}
