package org.agreementledger.projection;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The projection's structure, kept by the build: features without cycles, and the consumer (which applies events to
 * the views) at the bottom, telling whoever listens through {@code AppliedBatchListener} rather than knowing them.
 */
@AnalyzeClasses(packages = "org.agreementledger.projection", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featuresDoNotDependOnEachOtherInCircles =
            slices().matching("org.agreementledger.projection.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theConsumerKnowsNoFeatureThatServesTheViews = noClasses()
            .that().resideInAPackage("org.agreementledger.projection.consumer")
            .should().dependOnClassesThat().resideInAnyPackage("org.agreementledger.projection.live..",
                    "org.agreementledger.projection.country..", "org.agreementledger.projection.agreement..",
                    "org.agreementledger.projection.transfer..", "org.agreementledger.projection.fee..",
                    "org.agreementledger.projection.audit..", "org.agreementledger.projection.asof..",
                    "org.agreementledger.projection.parking..", "org.agreementledger.projection.rebuild..",
                    "org.agreementledger.projection.access..");
}
