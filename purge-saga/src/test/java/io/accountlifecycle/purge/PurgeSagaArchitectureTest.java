package io.accountlifecycle.purge;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** purge-saga depends on the contract only: never on the service, never on the projections. */
@AnalyzeClasses(packages = "io.accountlifecycle.purge", importOptions = ImportOption.DoNotIncludeTests.class)
class PurgeSagaArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnTheContractOnly =
            noClasses().that().resideInAPackage("io.accountlifecycle.purge..")
                       .should().dependOnClassesThat()
                       .resideInAnyPackage("io.accountlifecycle.service..", "io.accountlifecycle.projections..");
}
