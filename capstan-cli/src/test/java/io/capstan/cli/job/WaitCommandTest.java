package io.capstan.cli.job;

import static io.capstan.cli.job.JobFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobPhase;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WaitCommandTest {
  private static final String JOB = "/api/v1/projects/default/jobs/train-a";
  private static final String OUTPUTS = JOB + "/outputs";

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();
  private TestingCli cli;

  @BeforeEach
  void setUp() {
    cli = TestingCli.against(server, temp);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void pollsUntilSucceededAndExitsZero() {
    server
        .respond("GET", JOB, 200, job("train-a").phase(JobPhase.QUEUED).json())
        .respond("GET", JOB, 200, job("train-a").phase(JobPhase.RUNNING).json())
        .respond(
            "GET",
            JOB,
            200,
            job("train-a")
                .phase(JobPhase.SUCCEEDED)
                .reason("Succeeded", "all 2 replicas exited 0")
                .json())
        .respond("GET", OUTPUTS, 200, "{\"collected\": false}")
        .respond("GET", OUTPUTS, 200, "{\"collected\": true}");

    Result result = cli.run("wait", "train-a", "--interval", "1ms");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("train-a Succeeded: all 2 replicas exited 0\n");
    assertThat(server.requests())
        .as("until the job succeeded, then until its outputs were collected")
        .hasSize(5);
  }

  @Test
  void failedJobExitsOneWithItsReason() {
    server.respond(
        "GET",
        JOB,
        200,
        job("train-a")
            .phase(JobPhase.FAILED)
            .reason("BackoffLimitExceeded", "worker-1 exited with code 1 after 3 restarts")
            .json());

    Result result = cli.run("wait", "train-a");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.out())
        .isEqualTo(
            "train-a Failed: BackoffLimitExceeded: worker-1 exited with code 1 after 3"
                + " restarts\n");
  }

  @Test
  void cancelledJobExitsOne() {
    server.respond("GET", JOB, 200, job("train-a").phase(JobPhase.CANCELLED).json());

    assertThat(cli.run("wait", "train-a").exitCode()).isEqualTo(ExitCodes.ERROR);
  }

  @Test
  void timesOutWithExitCode124() {
    server.respond("GET", JOB, 200, job("train-a").phase(JobPhase.RUNNING).json());

    Result result =
        cli.clock(new SteppingClock(TestingCli.NOW, Duration.ofSeconds(1)))
            .run("wait", "train-a", "--timeout", "5s", "--interval", "1ms");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(result.err())
        .isEqualTo(
            "error: Timed out after 5s waiting for job 'train-a' to finish; it is Running\n");
    assertThat(server.requests().size()).isBetween(2, 6);
  }

  @Test
  void unknownJobExitsThree() {
    Result result = cli.run("wait", "nope");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void badDurationIsAUsageError() {
    Result result = cli.run("wait", "train-a", "--timeout", "ten");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .contains("Expected a duration such as 500ms, 30s, 10m, 1h or 2d, but was 'ten'");
  }

  /** A clock that moves forward by a step each time it is read. */
  private static final class SteppingClock extends Clock {
    private Instant now;
    private final Duration step;

    SteppingClock(Instant start, Duration step) {
      this.now = start;
      this.step = step;
    }

    @Override
    public synchronized Instant instant() {
      Instant current = now;
      now = now.plus(step);
      return current;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
