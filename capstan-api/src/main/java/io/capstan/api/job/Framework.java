package io.capstan.api.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The distributed framework whose rendezvous environment Capstan injects. */
public enum Framework {
  /** {@code MASTER_ADDR}, {@code MASTER_PORT}, {@code WORLD_SIZE}, {@code RANK}. */
  PYTORCH,
  /** {@code TF_CONFIG}. */
  TENSORFLOW,
  /**
   * An MPI hostfile for the launcher's {@code mpirun} ({@code OMPI_MCA_orte_default_hostfile}), as
   * the MPI Operator writes it.
   */
  MPI,
  /** Only Capstan's own variables. */
  GENERIC;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Framework fromWire(String name) {
    for (Framework framework : values()) {
      if (framework.name().equalsIgnoreCase(name)) {
        return framework;
      }
    }
    return null;
  }
}
