package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.Limits;
import io.accountlifecycle.api.Plan;
import io.accountlifecycle.service.deletion.DeletionSettings;
import io.accountlifecycle.service.roles.Roles;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * The list sizes of bulk deletion (and of legal holds) in the OpenAPI description, from the configured limit
 * ({@code account.deletion.max-batch-size}) that {@link DeletionBatches} enforces.
 */
@Component
@ConditionalOnProperty(name = Roles.HTTP_COMMANDS, havingValue = "true", matchIfMissing = true)
class DeletionBatchApiLimits implements OpenApiCustomizer {

    private final DeletionSettings settings;

    DeletionBatchApiLimits(DeletionSettings settings) {
        this.settings = settings;
    }

    @Override
    public void customise(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        int most = settings.maxBatchSize();
        maxItems(schemas, "DeletionBatchCriteria", "accountIds", most);
        maxItems(schemas, "DeletionBatchCriteria", "plans", Plan.values().length);
        maxItems(schemas, "DeletionBatchPreview", "accounts", most);
        maxItems(schemas, "DeletionBatchPreview", "excluded", most);
        maxItems(schemas, "DeletionBatchView", "leftOut", most);
        // A legal hold covers at most as many accounts as a batch deletes (LegalHolds).
        maxItems(schemas, "LegalHoldRequest", "accountIds", most);
        maxItems(schemas, "LegalHoldCriteria", "plans", Plan.values().length);
        maxItems(schemas, "LegalHoldPlaced", "notCovered", most);
        maxItems(schemas, "LegalHold", "accountIds", most);
        maxItems(schemas, "LegalHold", "covered", most);
        maxItems(schemas, "PendingPurgeView", "purgeBlockedBy", Limits.MAX_LEGAL_HOLDS_PER_ACCOUNT);
    }

    private static void maxItems(Map<String, Schema> schemas, String schema, String property, int maxItems) {
        Schema<?> owner = schemas.get(schema);
        if (owner == null || owner.getProperties() == null || owner.getProperties().get(property) == null) {
            throw new IllegalStateException("The OpenAPI description has no " + schema + "." + property);
        }
        owner.getProperties().get(property).setMaxItems(maxItems);
    }
}
