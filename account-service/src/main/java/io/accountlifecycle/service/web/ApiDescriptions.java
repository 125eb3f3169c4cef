package io.accountlifecycle.service.web;

import io.accountlifecycle.service.roles.Roles;
import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The AsyncAPI description of the topics, {@code GET /asyncapi.json}, and the JSON Schemas it refers to,
 * {@code GET /schemas/*.json} (its {@code ./schemas/…} references resolve there), exactly as they are in the account-api
 * jar, served without a token like the OpenAPI description ({@code SecurityConfiguration} opens both paths) and not
 * listed in it. On the roles that serve an HTTP API (commands, projections).
 */
@Hidden
@RestController
@ConditionalOnWebApplication
@ConditionalOnExpression("${" + Roles.HTTP_COMMANDS + ":true} or ${" + Roles.PROJECTIONS + ":true}")
class ApiDescriptions implements WebMvcConfigurer {

    private static final Resource ASYNCAPI = new ClassPathResource("asyncapi.json");

    /** A single file at the classpath's root, which a resource handler cannot have as its location. */
    @GetMapping(path = "/asyncapi.json", produces = MediaType.APPLICATION_JSON_VALUE)
    Resource asyncApi() {
        return ASYNCAPI;
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/schemas/*.json").addResourceLocations("classpath:/schemas/");
    }
}
