package io.accountlifecycle.service.deletion;

import io.accountlifecycle.api.Plan;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The deletion policy's settings ({@code account.deletion.*}): what one deletion, one batch, one actor and everyone
 * together may do without a second person, the breaker, and the bulk-deletion limits.
 *
 * @param protectedPlans          plans whose accounts need a second approval to be deleted and never enter a batch
 *                                (default ENTERPRISE); so do accounts flagged protected
 * @param monthlyPrices           price per plan per month, for the value at risk
 * @param approvalAboveAccounts   a batch of more accounts than this waits for a second admin
 * @param approvalAboveMonthlyValue a batch risking more monthly value than this waits for a second admin
 * @param previewTtl              how long a preview token can be executed
 * @param maxBatchSize            the most accounts one batch may hold (its creation is one event)
 * @param breakerRequestsPerMinute more deletion requests than this within a minute, from any door, trip the breaker
 * @param breakerQuarantinesPerMinute deprecated alias of {@code breakerRequestsPerMinute}
 * @param requestChunkSize        accounts whose deletions are requested per transaction while a batch runs
 * @param actorWindow             the rolling window of one actor's blast radius
 * @param actorMaxAccounts        accounts one actor may have deleted within its window without a second person
 * @param actorMaxMonthlyValue    monthly value one actor may put at risk within its window without a second person
 * @param totalWindow             the rolling window of everyone's blast radius together
 * @param totalMaxAccounts        accounts everyone together may have deleted within that window without approvals
 * @param totalMaxMonthlyValue    monthly value everyone together may put at risk within it without approvals
 * @param approvalTtl             how long a deletion waits for approval before it expires and changes nothing
 * @param protectionLookBack      how long protection sticks after an account leaves a protected plan or loses its
 *                                flag (null: the purge hold)
 */
@ConfigurationProperties("account.deletion")
public record DeletionSettings(@DefaultValue("ENTERPRISE") Set<Plan> protectedPlans,
                               Map<Plan, BigDecimal> monthlyPrices,
                               @DefaultValue("100") int approvalAboveAccounts,
                               @DefaultValue("5000") BigDecimal approvalAboveMonthlyValue,
                               @DefaultValue("PT15M") Duration previewTtl,
                               @DefaultValue("20000") int maxBatchSize,
                               Integer breakerRequestsPerMinute,
                               @Deprecated Integer breakerQuarantinesPerMinute,
                               @DefaultValue("500") int requestChunkSize,
                               @DefaultValue("PT24H") Duration actorWindow,
                               @DefaultValue("100") int actorMaxAccounts,
                               @DefaultValue("5000") BigDecimal actorMaxMonthlyValue,
                               @DefaultValue("PT1H") Duration totalWindow,
                               @DefaultValue("100") int totalMaxAccounts,
                               @DefaultValue("5000") BigDecimal totalMaxMonthlyValue,
                               @DefaultValue("P7D") Duration approvalTtl,
                               Duration protectionLookBack) {

    private static final int DEFAULT_BREAKER_LIMIT = 500;
    private static final Map<Plan, BigDecimal> DEFAULT_PRICES = Map.of(Plan.FREE, BigDecimal.ZERO,
                                                                      Plan.STANDARD, new BigDecimal("15"),
                                                                      Plan.PREMIUM, new BigDecimal("49"),
                                                                      Plan.ENTERPRISE, new BigDecimal("499"));

    public DeletionSettings {
        monthlyPrices = monthlyPrices == null || monthlyPrices.isEmpty() ? DEFAULT_PRICES : Map.copyOf(monthlyPrices);
    }

    public BigDecimal priceOf(Plan plan) {
        return plan == null ? BigDecimal.ZERO : monthlyPrices.getOrDefault(plan, DEFAULT_PRICES.get(plan));
    }

    /** The breaker's limit: the new property, else its deprecated alias, else 500. */
    @SuppressWarnings("deprecation")
    public int breakerLimit() {
        if (breakerRequestsPerMinute != null) {
            return breakerRequestsPerMinute;
        }
        return breakerQuarantinesPerMinute != null ? breakerQuarantinesPerMinute : DEFAULT_BREAKER_LIMIT;
    }

    /** Whether a batch of {@code accounts} risking {@code value} a month needs a second admin on its own. */
    public boolean batchNeedsApproval(int accounts, BigDecimal value) {
        return accounts > approvalAboveAccounts || value.compareTo(approvalAboveMonthlyValue) > 0;
    }
}
