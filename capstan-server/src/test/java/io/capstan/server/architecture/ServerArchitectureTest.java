package io.capstan.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.ReplicaLaunch;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;

/**
 * The control plane's package rules, over its production classes: each rule holds today, so a
 * change that breaks one fails the build. Add a rule here as its own test method.
 */
class ServerArchitectureTest {
  private static final String[] FEATURES = {
    "io.capstan.server.job..",
    "io.capstan.server.model..",
    "io.capstan.server.serving..",
    "io.capstan.server.dataset.."
  };

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
   * (decision 72), and the gateway carries requests. Only the OpenID client speaks HTTP itself, and
   * the notebook proxy and idle culler, which reach a notebook's Jupyter by design (decisions 92
   * and 93), and the storage initializer, a program of its own that pods run to fetch presigned
   * URLs (decision 119), never part of the control plane.
   */
  @Test
  void noServerClassButTheOpenIdClientAndTheNotebookProxySpeaksHttpItself() {
    check(
        noClasses()
            .that()
            .resideInAPackage("io.capstan.server..")
            .and()
            .resideOutsideOfPackages(
                "io.capstan.server.identity.oidc..", "io.capstan.server.notebook..")
            .and()
            .doNotHaveFullyQualifiedName(
                io.capstan.server.artifact.StorageInitializer.class.getName())
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("java.net.http..")
            .orShould()
            .dependOnClassesThat()
            .belongToAnyOf(java.net.Socket.class, java.net.URLConnection.class));
  }

  /**
   * A replica's files are the runtime's business (issue 14): the job, model, serving and dataset
   * features name no host path in a launch (no host-path mount, no working folder: the runtime owns
   * the job's volumes and chooses each replica's folder), and open no file of a replica's (outputs
   * come through the runtime's {@code JobVolumes} into the artifact store, and from there).
   */
  @Test
  void noJobModelOrServingClassNamesOrOpensAReplicasHostPath() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(FEATURES)
            .should()
            .callMethod(Mount.class, "writable", Path.class, String.class)
            .orShould()
            .callMethod(Mount.class, "readOnly", Path.class, String.class)
            .orShould()
            .callMethod(Mount.class, "hostPath")
            .orShould()
            .callConstructor(MountSource.HostPath.class, Path.class)
            .orShould()
            .callMethod(ReplicaLaunch.Builder.class, "workDir", Path.class));
  }

  /**
   * The job feature and the registration of job outputs read no file at all: a replica's outputs
   * reach the model registry through the runtime's volumes and the artifact store. (The registry
   * itself keeps a temporary copy of an artifact for ONNX Runtime to read its signature.)
   */
  @Test
  void noJobClassNorJobOutputRegistrationOpensAFile() {
    check(
        noClasses()
            .that()
            .resideInAPackage("io.capstan.server.job..")
            .or()
            .haveSimpleNameStartingWith("JobOutput")
            .should()
            .dependOnClassesThat()
            .belongToAnyOf(
                java.nio.file.Files.class,
                java.io.File.class,
                java.io.FileInputStream.class,
                java.io.RandomAccessFile.class,
                java.nio.channels.FileChannel.class));
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
