package io.capstan.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.capstan.server.job.JobDirectories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;

/**
 * The control plane's package rules, over its production classes: each rule holds today, so a
 * change that breaks one fails the build. Add a rule here as its own test method.
 */
class ServerArchitectureTest {
  private static JavaClasses server;

  @BeforeAll
  static void importTheServer() {
    server =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.capstan.server");
  }

  /**
   * The server reaches a runtime only through the SPI; the local runtime is one provider among
   * others, found at run time (decision 68).
   */
  @Test
  void noServerClassUsesTheLocalRuntime() {
    check(
        noClasses()
            .that()
            .resideInAPackage("io.capstan.server..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.capstan.runtime.local.."));
  }

  /**
   * The control plane never dials a replica: the runtime probes readiness and reports endpoints
   * (decision 72), and the gateway carries requests. Only the OpenID client speaks HTTP itself.
   */
  @Test
  void noServerClassButTheOpenIdClientSpeaksHttpItself() {
    check(
        noClasses()
            .that()
            .resideInAPackage("io.capstan.server..")
            .and()
            .resideOutsideOfPackage("io.capstan.server.identity.oidc..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("java.net.http..")
            .orShould()
            .dependOnClassesThat()
            .belongToAnyOf(java.net.Socket.class, java.net.URLConnection.class));
  }

  /**
   * A replica's working directory is the runtime's business: the launcher names it in the launch,
   * and nothing else in the control plane reads from it (no ports file, no hostfile written there).
   */
  @Test
  void onlyTheLauncherNamesAReplicasWorkingDirectory() {
    check(
        noClasses()
            .that()
            .resideInAPackage("io.capstan.server..")
            .and()
            .doNotHaveSimpleName("JobLauncher")
            .should()
            .callMethod(JobDirectories.class, "workDir", String.class, String.class));
  }

  /** The shared web layer (errors, health) knows no feature's store or controller. */
  @Test
  void theWebLayerReachesNoStoreOrController() {
    check(
        noClasses()
            .that()
            .resideInAPackage("io.capstan.server.web..")
            .should()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("Store")
            .orShould()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("Reconciler")
            .orShould()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("ControlLoop"));
  }

  /**
   * HTTP handlers reach the controllers (reconcilers, control loops, launcher, admitter) only
   * through their feature's service, which records intent and wakes the controller.
   */
  @Test
  void httpHandlersReachControllersOnlyThroughServices() {
    check(
        noClasses()
            .that()
            .areAnnotatedWith(RestController.class)
            .or()
            .areAnnotatedWith(Controller.class)
            .should()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("Reconciler")
            .orShould()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("ControlLoop")
            .orShould()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("Launcher")
            .orShould()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("Admitter"));
  }

  private static void check(ArchRule rule) {
    rule.check(server);
  }
}
