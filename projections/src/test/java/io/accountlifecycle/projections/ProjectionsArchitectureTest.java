package io.accountlifecycle.projections;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * projections depends on the contract only — never on the service or the saga — and analysts' read models never
 * hold plaintext: no projection class touches the opener except the query side that answers authorised callers.
 */
@AnalyzeClasses(packages = "io.accountlifecycle.projections", importOptions = ImportOption.DoNotIncludeTests.class)
class ProjectionsArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnTheContractOnly =
            noClasses().that().resideInAPackage("io.accountlifecycle.projections..")
                       .should().dependOnClassesThat()
                       .resideInAnyPackage("io.accountlifecycle.service..", "io.accountlifecycle.purge..");

    @ArchTest
    static final ArchRule projectorsNeverOpenSealedValues =
            noClasses().that().haveSimpleNameEndingWith("Projector")
                       .should().dependOnClassesThat()
                       .haveFullyQualifiedName("io.accountlifecycle.api.SealedValueOpener");
}
