package io.capstan.runtime.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A replica started by PyTorch's launcher, {@code torchrun} or {@code python -m
 * torch.distributed.run}, as a Kubeflow Trainer TrainJob starts its nodes.
 *
 * <p>A leading {@code torchrun} runs as {@code <interpreter> -m torch.distributed.run}: the
 * interpreter a leading {@code python} maps to, so torchrun and the workers it starts (with its own
 * interpreter) see the same frameworks as a replica started with {@code python}, whichever {@code
 * torchrun} is first on the {@code PATH}.
 *
 * <p>torchrun 1.13 (Debian's PyTorch) fails at once on Python 3.11 with {@code AttributeError:
 * 'NoneType' object has no attribute 'get'}: its {@code --redirects} and {@code --tee} default "0"
 * is looked up by iterating an {@code IntFlag}, which from Python 3.11 on skips the zero member, so
 * "no redirection" parses to nothing. A launch of torchrun therefore gets {@value #REDIRECTS} and
 * {@value #TEE} set to {@value #NO_REDIRECTION} unless it sets them itself: a mapping that
 * redirects nothing for local rank 9 and leaves every other local rank at the default, nothing,
 * which parses on every version (later PyTorch versions fixed the lookup). torch 1.13 accepts only
 * one-digit local ranks in the mapping, and its rank 9 gets no value from "0": on it, a node runs
 * at most 9 processes (a job may ask for up to 64, which later versions run).
 */
final class Torchrun {
  static final String COMMAND = "torchrun";
  static final String MODULE = "torch.distributed.run";
  static final String REDIRECTS = "PET_REDIRECTS";
  static final String TEE = "PET_TEE";
  static final String NO_REDIRECTION = "9:0";

  private Torchrun() {}

  /** Whether {@code command} starts torchrun, directly or as a Python module. */
  static boolean launches(List<String> command) {
    String first = command.get(0);
    if (first.equals(COMMAND)) {
      return true;
    }
    return ImageEnvironments.isPython(first)
        && command.size() > 2
        && command.get(1).equals("-m")
        && command.get(2).equals(MODULE);
  }

  /** {@code command} with a leading {@code torchrun} run as a module of {@code interpreter}. */
  static List<String> asModule(List<String> command, String interpreter) {
    if (!command.get(0).equals(COMMAND)) {
      return command;
    }
    List<String> result = new ArrayList<>(command.size() + 2);
    result.add(interpreter);
    result.add("-m");
    result.add(MODULE);
    result.addAll(command.subList(1, command.size()));
    return result;
  }

  /** Adds the redirection defaults that torchrun 1.13 on Python 3.11 cannot parse itself. */
  static void addDefaults(Map<String, String> env) {
    env.putIfAbsent(REDIRECTS, NO_REDIRECTION);
    env.putIfAbsent(TEE, NO_REDIRECTION);
  }
}
