package io.capstan.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The object a call acts on, from its method and path. */
class ApiTargetTest {
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      nullValues = "-",
      value = {
        "POST,   /api/v1/projects/vision/jobs,                         vision, job,     -,                 create,      true",
        "POST,   /api/v1/projects/vision/jobs/train/cancel,            vision, job,     train,             cancel,      false",
        "DELETE, /api/v1/projects/vision/jobs/cancel,                  vision, job,     cancel,            delete,      false",
        "PUT,    /api/v1/projects/vision/quota,                        vision, quota,   vision,            set,         false",
        "PUT,    /api/v1/projects/vision/members,                      vision, member,  -,                 set,         true",
        "DELETE, /api/v1/projects/vision/members/bob,                  vision, member,  bob,               delete,      false",
        "POST,   /api/v1/projects,                                     -,      project, -,                 create,      true",
        "POST,   /api/v1/users,                                        -,      user,    -,                 create,      true",
        "POST,   /api/v1/users/alice/tokens,                           -,      token,   alice,             create,      true",
        "DELETE, /api/v1/users/alice/tokens/t-1,                       -,      token,   alice/t-1,         delete,      false",
        "PATCH,  /api/v1/projects/vision/services/churn,               vision, service, churn,             update,      false",
        "PUT,    /api/v1/projects/vision/services/churn/traffic,       vision, service, churn,             set-traffic, false",
        "POST,   /api/v1/projects/vision/services/churn/promote,       vision, service, churn,             promote,     false",
        "POST,   /api/v1/projects/vision/models/churn/versions,        vision, version, churn,             create,      true",
        "POST,   /api/v1/projects/vision/models/churn/versions/from-job, vision, version, churn,           create,      false",
        "DELETE, /api/v1/projects/vision/models/churn/versions/3,      vision, version, churn/3,           delete,      false",
        "PUT,    /api/v1/projects/vision/models/churn/aliases/prod,    vision, alias,   churn/prod,        set,         false",
        "PUT,    /api/v1/environments,                                 -,      environment, -,             set,         true",
        "DELETE, /api/v1/environments,                                 -,      environment, -,             delete,      true",
        "POST,   /api/v1/projects/vision/secrets,                      vision, secret,  -,                 create,      true",
        "PUT,    /api/v1/projects/vision/configmaps/settings,          vision, configmap, settings,        set,         false",
        "POST,   /api/v1/projects/vision/notebooks,                    vision, notebook, -,                create,      true",
        "POST,   /api/v1/projects/vision/notebooks/lab/stop,           vision, notebook, lab,              stop,        false",
        "POST,   /api/v1/projects/vision/notebooks/lab/login,          vision, notebook, lab,              login,       false",
        "POST,   /api/v1/projects/vision/experiments,                  vision, experiment, -,              create,      true",
        "POST,   /api/v1/projects/vision/experiments/tune/resume,      vision, experiment, tune,           resume,      false",
        "DELETE, /api/v1/projects/vision/experiments/tune,             vision, experiment, tune,           delete,      false",
        "PUT,    /api/v1/projects/vision/notebook-settings,            vision, notebook-settings, vision,  set,         false",
        "POST,   /api/v1/projects/vision/nonsense/x,                   vision, -,       -,                 create,      false",
        "POST,   /serving/vision/churn/v2/models/m/infer,              -,      -,       -,                 create,      false",
      })
  void readsProjectKindNameAndAction(
      String method,
      String path,
      String project,
      String kind,
      String name,
      String action,
      boolean onCollection) {
    assertThat(ApiTarget.of(method, path))
        .isEqualTo(new ApiTarget(project, kind, name, action, onCollection));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        "/api/v1/users,                    carol, carol",
        "/api/v1/users/alice/tokens,       ci,    alice/ci",
        "/api/v1/projects/vision/jobs/x,   y,     x",
        "/api/v1/projects/vision/members,  -,     -",
      })
  void aCreateTakesItsNameFromTheBody(String path, String bodyName, String expected) {
    assertThat(ApiTarget.of("POST", path).nameWith(bodyName)).isEqualTo(expected);
  }
}
