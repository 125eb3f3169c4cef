package io.accountlifecycle.api;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/** The contract is records and enums, depending on nothing of ours and on no framework beyond Axon's annotations. */
@AnalyzeClasses(packages = "io.accountlifecycle.api", importOptions = ImportOption.DoNotIncludeTests.class)
class ContractArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnlyOnTheJdkAndAxonAnnotations =
            classes().that().resideInAPackage("io.accountlifecycle.api..")
                     .should().onlyDependOnClassesThat()
                     .resideInAnyPackage("java..", "io.accountlifecycle.api..",
                                         "org.axonframework.modelling.command", "org.axonframework.serialization");

    @ArchTest
    static final ArchRule messagesAreRecords =
            classes().that().resideInAPackage("io.accountlifecycle.api..")
                     .and().haveSimpleNameEndingWith("Command")
                     .or().haveSimpleNameEndingWith("Event")
                     .or().haveSimpleNameEndingWith("View")
                     .should().beRecords();
}
