package io.capstan.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageEnvironmentsTest {
  private static final Environment TORCH =
      new Environment(
          Map.of("/examples", Path.of("/srv/examples")), "/opt/torch/bin/python", Map.of());
  private static final Environment TORCH_2 =
      new Environment(Map.of(), "/opt/torch2/bin/python", Map.of());

  private static final Mpirun MPIRUN_AS_ROOT =
      new Mpirun(Path.of("/state/" + Mpirun.AGENT_FILE), true);

  private final ImageEnvironments environments =
      new ImageEnvironments(
          Map.of(
              "*", Environment.HOST,
              "pytorch/*", TORCH,
              "pytorch/pytorch:2*", TORCH_2),
          () -> "/usr/bin/python3",
          MPIRUN_AS_ROOT);

  @Test
  void theMostSpecificPatternWins() {
    assertThat(environments.environmentOf("pytorch/pytorch:1.13")).isEqualTo(TORCH);
    assertThat(environments.environmentOf("pytorch/pytorch:2.1-cuda")).isEqualTo(TORCH_2);
    assertThat(environments.environmentOf("ubuntu:22.04")).isEqualTo(Environment.HOST);
    assertThat(environments.environmentOf(null)).isEqualTo(Environment.HOST);
  }

  @Test
  void anEntrypointIsRewrittenAsACommandWouldBe() {
    Environment launcher =
        new Environment(
            Map.of("/examples", Path.of("/srv/examples")),
            "/opt/torch/bin/python",
            Map.of(),
            null,
            List.of("torchrun", "--nproc-per-node=2"),
            List.of("/examples/train.py"));
    ImageEnvironments images =
        new ImageEnvironments(
            Map.of("*", Environment.HOST, "trainer/*", launcher),
            () -> "/usr/bin/python3",
            MPIRUN_AS_ROOT);

    ImageEnvironments.Rewritten defaults =
        images.rewrite(
            new ImageEnvironments.Replica(
                "trainer/x:1", List.of(), List.of(), null, Map.of(), null, null),
            List.of(),
            false);
    ImageEnvironments.Rewritten withArgs =
        images.rewrite(
            new ImageEnvironments.Replica(
                "trainer/x:1",
                List.of(),
                List.of("/examples/other.py"),
                null,
                Map.of(),
                null,
                null),
            List.of(),
            false);

    assertThat(defaults.command())
        .as("torchrun of the entrypoint runs as the image's interpreter's module")
        .containsExactly(
            "/opt/torch/bin/python",
            "-m",
            Torchrun.MODULE,
            "--nproc_per_node=2", // spelled for torch 1.13, as a command's flags are
            "/srv/examples/train.py");
    assertThat(defaults.env()).containsEntry(Torchrun.REDIRECTS, Torchrun.NO_REDIRECTION);
    assertThat(withArgs.command()).endsWith("--nproc_per_node=2", "/srv/examples/other.py");
    assertThat(withArgs.workingDir()).isNull();
  }

  @Test
  void pythonIsReplacedAndMountedPathsAreMapped() {
    ImageEnvironments.Rewritten rewritten =
        environments.rewrite(
            "pytorch/pytorch:1.13",
            List.of("python3", "/examples/train.py", "--data=/examples/d", "/examples2/x"),
            Map.of("OUT", "/examples"));

    assertThat(rewritten.command())
        .containsExactly(
            "/opt/torch/bin/python",
            "/srv/examples/train.py",
            "--data=/srv/examples/d",
            "/examples2/x");
    assertThat(rewritten.env()).containsEntry("OUT", "/srv/examples");
    assertThat(environments.rewrite("ubuntu", List.of("python", "x.py"), Map.of()).command())
        .containsExactly("/usr/bin/python3", "x.py");
    assertThat(environments.rewrite("ubuntu", List.of("python3.11", "x.py"), Map.of()).command())
        .containsExactly("python3.11", "x.py");
  }

  @Test
  void torchrunRunsAsAModuleOfTheInterpreterWithRedirectionItCanParse() {
    ImageEnvironments.Rewritten rewritten =
        environments.rewrite(
            "pytorch/pytorch:1.13",
            List.of("torchrun", "/examples/train.py", "--epochs", "5"),
            Map.of("PET_NNODES", "2"));

    assertThat(rewritten.command())
        .containsExactly(
            "/opt/torch/bin/python",
            "-m",
            "torch.distributed.run",
            "/srv/examples/train.py",
            "--epochs",
            "5");
    assertThat(rewritten.env())
        .containsEntry("PET_NNODES", "2")
        .containsEntry("PET_REDIRECTS", "9:0")
        .containsEntry("PET_TEE", "9:0");
  }

  @Test
  void theModuleFormGetsTheRedirectionButAReplicasOwnWins() {
    ImageEnvironments.Rewritten rewritten =
        environments.rewrite(
            "ubuntu",
            List.of("python3", "-m", "torch.distributed.run", "train.py"),
            Map.of("PET_TEE", "3"));

    assertThat(rewritten.command())
        .containsExactly("/usr/bin/python3", "-m", "torch.distributed.run", "train.py");
    assertThat(rewritten.env()).containsEntry("PET_REDIRECTS", "9:0").containsEntry("PET_TEE", "3");
    assertThat(environments.rewrite("ubuntu", List.of("python3", "x.py"), Map.of()).env())
        .as("not for other commands")
        .doesNotContainKeys("PET_REDIRECTS", "PET_TEE");
  }

  @Test
  void mpirunsPythonProgramsRunTheInterpreterWithOpenMpisLocalDefaults() {
    ImageEnvironments.Rewritten rewritten =
        environments.rewrite(
            "pytorch/pytorch:1.13",
            List.of(
                "/usr/local/bin/mpirun",
                "-n",
                "2",
                "python3",
                "/examples/pi.py",
                "python3",
                ":",
                "-n",
                "1",
                "python",
                "/examples/other.py"),
            Map.of("OMPI_MCA_btl", "self,tcp"));

    assertThat(rewritten.command())
        .containsExactly(
            "/usr/local/bin/mpirun",
            "-n",
            "2",
            "/opt/torch/bin/python",
            "/srv/examples/pi.py",
            "python3",
            ":",
            "-n",
            "1",
            "/opt/torch/bin/python",
            "/srv/examples/other.py");
    assertThat(rewritten.env())
        .containsEntry("OMPI_MCA_btl", "self,tcp")
        .containsEntry("OMPI_MCA_plm_rsh_agent", "/state/mpi-no-other-hosts.sh")
        .containsEntry("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .containsEntry("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
  }

  @Test
  void aLaunchsOwnOpenMpiVariablesWinAndOnlyRootIsAllowedToRunAsRoot() {
    ImageEnvironments asUser =
        new ImageEnvironments(
            Map.of("*", Environment.HOST),
            () -> "/usr/bin/python3",
            new Mpirun(Path.of("/state/agent.sh"), false));

    Map<String, String> env =
        asUser
            .rewrite(
                "ubuntu",
                List.of("mpiexec", "-n", "2", "./pi"),
                Map.of("OMPI_MCA_plm_rsh_agent", "ssh"))
            .env();

    assertThat(env)
        .containsEntry("OMPI_MCA_plm_rsh_agent", "ssh")
        .doesNotContainKeys("OMPI_ALLOW_RUN_AS_ROOT", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM");
    assertThat(environments.rewrite("ubuntu", List.of("python3", "mpirun.py"), Map.of()).env())
        .as("not for other commands")
        .doesNotContainKeys("OMPI_MCA_plm_rsh_agent", "OMPI_ALLOW_RUN_AS_ROOT");
  }

  @Test
  void anImageWithoutEnvironmentIsAnInvalidSpec() {
    ImageEnvironments strict =
        new ImageEnvironments(Map.of("pytorch/*", TORCH), () -> "python3", MPIRUN_AS_ROOT);

    assertThatThrownBy(() -> strict.environmentOf("tensorflow/tensorflow:2"))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC);
              assertThat(e.field()).isEqualTo("image");
            })
        .hasMessage(
            "Expected image 'tensorflow/tensorflow:2' to match a local environment [pytorch/*],"
                + " but it matches none");
  }

  @Test
  void autoInterpreterIsTheTorchPythonWhereItImportsTorch() {
    assertThat(ImageEnvironments.resolveInterpreter("/opt/python")).isEqualTo("/opt/python");
    assertThat(ImageEnvironments.resolveInterpreter("auto")).isIn("/usr/bin/python3", "python3");
  }
}
