package io.accountlifecycle.service;

import io.accountlifecycle.api.ApproveAccountDeletionCommand;
import io.accountlifecycle.api.ApproveDeletionBatchCommand;
import io.accountlifecycle.api.RequestAccountDeletionCommand;
import io.accountlifecycle.service.account.Account;
import io.accountlifecycle.service.batch.DeletionBatch;
import io.accountlifecycle.service.deletion.DeletionPolicy;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's own shape: its feature packages form no cycle, the HTTP and Kafka adapters do not reach into each
 * other, commands leave only through {@code command.CommandSender} with their origin, deletions only through the
 * deletion policy, and only the {@code eventstore}
 * packages (and the migrations) touch the event table's SQL or match events by class-name strings.
 */
@AnalyzeClasses(packages = "io.accountlifecycle.service", importOptions = ImportOption.DoNotIncludeTests.class)
class ServiceArchitectureTest {

    private static final String[] WEB = {"..service.account.http..", "..service.admin..", "..service.web.."};
    private static final String KAFKA = "..service.kafka..";

    @ArchTest
    static final ArchRule featurePackagesAreFreeOfCycles =
            slices().matching("io.accountlifecycle.service.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule webAdaptersDoNotReachIntoKafka =
            noClasses().that().resideInAnyPackage(WEB).or().areAnnotatedWith(RestController.class)
                       .should().dependOnClassesThat().resideInAPackage(KAFKA);

    @ArchTest
    static final ArchRule kafkaAdaptersDoNotReachIntoTheWeb =
            noClasses().that().resideInAPackage(KAFKA)
                       .should().dependOnClassesThat().resideInAnyPackage(WEB)
                       .orShould().dependOnClassesThat().areAnnotatedWith(RestController.class);

    @ArchTest
    static final ArchRule commandsLeaveOnlyThroughTheCommandSender =
            noClasses().that().resideOutsideOfPackage("..service.command..")
                       .should().dependOnClassesThat().areAssignableTo(CommandGateway.class);

    /**
     * One deletion policy whatever the door: no class but the policy builds or sends a deletion request or an
     * approval (the account and the batch handle them); HTTP, Kafka and batches all go through {@code deletion.DeletionPolicy}.
     */
    @ArchTest
    static final ArchRule deletionRequestsAreSentOnlyThroughTheDeletionPolicy =
            noClasses().that().doNotBelongToAnyOf(DeletionPolicy.class, Account.class, DeletionBatch.class)
                       .should().dependOnClassesThat().belongToAnyOf(RequestAccountDeletionCommand.class,
                                                                     ApproveAccountDeletionCommand.class,
                                                                     ApproveDeletionBatchCommand.class);

    @ArchTest
    static final ArchRule noControllerBuildsMetaData =
            noClasses().that().areAnnotatedWith(RestController.class)
                       .should().dependOnClassesThat().areAssignableTo(MetaData.class);

    /** Every module's main sources but the benchmarks', from the repository root. */
    private static List<Path> mainSources() throws IOException {
        Path start = Path.of("").toAbsolutePath();
        while (!Files.exists(start.resolve("mvnw"))) {
            start = start.getParent();
        }
        Path root = start;
        try (Stream<Path> files = Files.walk(root, 12)) {
            return files.filter(file -> file.toString().contains("/src/main/"))
                        .filter(file -> !root.relativize(file).startsWith("benchmarks"))
                        .filter(file -> file.toString().endsWith(".java") || file.toString().endsWith(".sql"))
                        .toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void onlyTheEventstorePackagesAndMigrationsTouchTheEventTable() throws IOException {
        List<Path> touching = mainSources().stream()
                                           .filter(file -> read(file).contains("domain_event_entry"))
                                           .filter(file -> !file.toString().contains("/eventstore/"))
                                           .filter(file -> !file.toString().contains("/db/migration/"))
                                           .toList();
        assertThat(touching).as("main sources naming the event table outside eventstore/ and migrations").isEmpty();
    }

    @Test
    void noEventTypeIsMatchedByAClassNameString() {
        Pattern className = Pattern.compile("\"io\\.accountlifecycle\\.api\\.\\w*");
        List<Path> matching;
        try {
            matching = mainSources().stream().filter(file -> className.matcher(read(file)).find()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(matching).as("main sources spelling an api class name in a string").isEmpty();
    }
}
