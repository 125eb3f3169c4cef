package io.accountlifecycle.service.batch;

import io.accountlifecycle.api.Plan;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The safeguards of bulk deletion ({@code account.deletion.*}).
 *
 * @param protectedPlans          plans whose accounts never enter a batch (default ENTERPRISE); accounts flagged
 *                                protected never do either
 * @param monthlyPrices           price per plan per month, for the value at risk
 * @param approvalAboveAccounts   a batch of more accounts than this waits for a second admin
 * @param approvalAboveMonthlyValue a batch risking more monthly value than this waits for a second admin
 * @param previewTtl              how long a preview token can be executed
 * @param maxBatchSize            the most accounts one batch may hold (its creation is one event)
 * @param breakerQuarantinesPerMinute more quarantines than this within a minute, from any intake, trip the breaker
 * @param requestChunkSize        accounts whose deletions are requested per transaction while a batch runs
 */
@ConfigurationProperties("account.deletion")
public record DeletionBatchSettings(@DefaultValue("ENTERPRISE") Set<Plan> protectedPlans,
                                    Map<Plan, BigDecimal> monthlyPrices,
                                    @DefaultValue("100") int approvalAboveAccounts,
                                    @DefaultValue("5000") BigDecimal approvalAboveMonthlyValue,
                                    @DefaultValue("PT15M") Duration previewTtl,
                                    @DefaultValue("20000") int maxBatchSize,
                                    @DefaultValue("500") int breakerQuarantinesPerMinute,
                                    @DefaultValue("500") int requestChunkSize) {

    private static final Map<Plan, BigDecimal> DEFAULT_PRICES = Map.of(Plan.FREE, BigDecimal.ZERO,
                                                                      Plan.STANDARD, new BigDecimal("15"),
                                                                      Plan.PREMIUM, new BigDecimal("49"),
                                                                      Plan.ENTERPRISE, new BigDecimal("499"));

    public DeletionBatchSettings {
        monthlyPrices = monthlyPrices == null || monthlyPrices.isEmpty() ? DEFAULT_PRICES : Map.copyOf(monthlyPrices);
    }

    BigDecimal priceOf(Plan plan) {
        return monthlyPrices.getOrDefault(plan, DEFAULT_PRICES.get(plan));
    }
}
