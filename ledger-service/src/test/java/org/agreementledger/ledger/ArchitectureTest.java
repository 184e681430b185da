package org.agreementledger.ledger;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The ledger's structure, kept by the build rather than by comments: features without cycles, the aggregate and its
 * rules at the centre and private to it, the web layer only translating, the command kernel depending on no feature.
 */
@AnalyzeClasses(packages = "org.agreementledger.ledger", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featuresDoNotDependOnEachOtherInCircles =
            slices().matching("org.agreementledger.ledger.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theAggregateAndItsRulesAreReachableOnlyThroughCommands = classes()
            .that().haveSimpleName("Agreement").or().haveSimpleNameEndingWith("Rules")
            .or().haveSimpleName("TransferBook").or().haveSimpleName("ChainHead")
            .should().notBePublic().andShould().resideInAPackage("org.agreementledger.ledger.agreement");

    @ArchTest
    static final ArchRule theCommandKernelDependsOnNoFeature = noClasses()
            .that().resideInAPackage("org.agreementledger.ledger.command")
            .should().dependOnClassesThat().resideInAnyPackage("org.agreementledger.ledger.agreement..",
                    "org.agreementledger.ledger.transfer..", "org.agreementledger.ledger.fee..",
                    "org.agreementledger.ledger.web..", "org.axonframework..", "org.springframework..");

    @ArchTest
    static final ArchRule theWebLayerDecidesNothing = noClasses()
            .that().resideInAPackage("org.agreementledger.ledger.web")
            .should().dependOnClassesThat().resideInAnyPackage("org.agreementledger.ledger.agreement..",
                    "org.agreementledger.ledger.transfer..", "org.agreementledger.ledger.fee..");

    @ArchTest
    static final ArchRule commandsAndEventsAreImmutableRecords = classes()
            .that().implement("org.agreementledger.ledger.command.AgreementCommand")
            .should().beRecords();
}
