package io.capstan.runtime.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 *
 * <p>torchrun's own flags (those before the training script) are spelled as torch 1.13 reads them,
 * since commands written for torch 2 (Kubeflow Trainer's examples among them) use its spellings:
 * torch 2 added dashed names ({@code --nproc-per-node}, {@code --no-python}, {@code
 * --rdzv-endpoint}...) beside the underscored ones, which both versions accept, so every dashed
 * long flag becomes its underscored twin. Of the flags torch 2 added, those with no effect on one
 * machine are dropped: {@code --local-addr} (the address other nodes reach this one at; every node
 * is here), {@code --local-ranks-filter} (which local ranks' output the console shows; all of it is
 * in the replica's log) and {@code --logs-specs} (a plug-in class for torchrun's log files, which
 * Capstan does not use); the replica's log names them ({@link #dropped}). Other flags pass as they
 * are.
 */
final class Torchrun {
  static final String COMMAND = "torchrun";
  static final String MODULE = "torch.distributed.run";
  static final String REDIRECTS = "PET_REDIRECTS";
  static final String TEE = "PET_TEE";
  static final String NO_REDIRECTION = "9:0";

  /** Flags torch 2 added whose effect is moot on one machine (all take a value). */
  private static final Set<String> MOOT =
      Set.of("--local_addr", "--local_ranks_filter", "--logs_specs");

  /** torchrun's flags that take no value. */
  private static final Set<String> SWITCHES =
      Set.of("--standalone", "-m", "--module", "--no_python", "--run_path", "-h", "--help");

  private Torchrun() {}

  /** Whether {@code command} starts torchrun, directly or as a Python module. */
  static boolean launches(List<String> command) {
    if (command.isEmpty()) {
      return false; // the image's entrypoint, resolved later
    }
    String first = command.get(0);
    if (first.equals(COMMAND)) {
      return true;
    }
    return ImageEnvironments.isPython(first)
        && command.size() > 2
        && command.get(1).equals("-m")
        && command.get(2).equals(MODULE);
  }

  /**
   * {@code command}, a launch of torchrun, as the host's torch runs it: a leading {@code torchrun}
   * run as a module of {@code interpreter}, and torchrun's flags spelled for torch 1.13.
   */
  static List<String> forHost(List<String> command, String interpreter) {
    List<String> module = new ArrayList<>(command.size() + 2);
    int flags = firstArgument(command);
    if (command.get(0).equals(COMMAND)) {
      module.add(interpreter);
      module.add("-m");
      module.add(MODULE);
    } else {
      module.addAll(command.subList(0, flags));
    }
    module.addAll(flagsForHost(command.subList(flags, command.size()), new ArrayList<>()));
    return module;
  }

  /**
   * The flags (with their values) that {@link #forHost} drops from {@code command}, as written, so
   * the replica's log can say so; empty for a command that does not start torchrun.
   */
  static List<String> dropped(List<String> command) {
    if (!launches(command)) {
      return List.of();
    }
    List<String> dropped = new ArrayList<>();
    flagsForHost(command.subList(firstArgument(command), command.size()), dropped);
    return dropped;
  }

  /** Where torchrun's own arguments start in a command that {@link #launches} it. */
  private static int firstArgument(List<String> command) {
    return command.get(0).equals(COMMAND) ? 1 : command.indexOf(MODULE) + 1;
  }

  /**
   * torchrun's arguments with its flags (up to the training script) spelled for torch 1.13; what is
   * dropped is added to {@code dropped}.
   */
  private static List<String> flagsForHost(List<String> arguments, List<String> dropped) {
    List<String> result = new ArrayList<>(arguments.size());
    int i = 0;
    while (i < arguments.size() && arguments.get(i).startsWith("-")) {
      String word = arguments.get(i);
      int equals = word.indexOf('=');
      String flag = underscored(equals < 0 ? word : word.substring(0, equals));
      boolean separateValue = equals < 0 && !SWITCHES.contains(flag);
      List<String> target = MOOT.contains(flag) ? dropped : result;
      // A dropped flag is reported as written; a kept one is spelled for torch 1.13.
      target.add(target == dropped ? word : equals < 0 ? flag : flag + word.substring(equals));
      if (separateValue && i + 1 < arguments.size()) {
        target.add(arguments.get(i + 1));
      }
      i = Math.min(i + (separateValue ? 2 : 1), arguments.size());
    }
    result.addAll(arguments.subList(i, arguments.size()));
    return result;
  }

  /**
   * {@code --nproc-per-node} as {@code --nproc_per_node}: torch 1.13 knows only the underscored
   * long flags, and torch 2 accepts both spellings of every flag.
   */
  private static String underscored(String flag) {
    return flag.startsWith("--") ? "--" + flag.substring(2).replace('-', '_') : flag;
  }

  /**
   * A {@code torchrun} for a replica's {@code PATH}, so a torchrun that a shell command starts
   * ({@code bash -c "cd src && torchrun --nproc-per-node=2 train.py"}) runs as a leading one does:
   * as {@code interpreter}'s {@code torch.distributed.run}, its flags spelled for torch 1.13 as
   * {@link #forHost} spells them (from the same tables), with the redirection defaults of {@link
   * #addDefaults}.
   */
  static String shim(String interpreter) {
    return """
        #!%s
        # Capstan: torchrun as the host's torch runs it (Torchrun.java in the local runtime).
        import os
        import runpy
        import sys

        MOOT = %s
        SWITCHES = %s
        os.environ.setdefault("%s", "%s")
        os.environ.setdefault("%s", "%s")
        args, kept, dropped, i = sys.argv[1:], [], [], 0
        while i < len(args) and args[i].startswith("-"):
            word = args[i]
            name, equals, value = word.partition("=")
            if name.startswith("--"):
                name = "--" + name[2:].replace("-", "_")
            separate = not equals and name not in SWITCHES
            target = dropped if name in MOOT else kept
            target.append(word if target is dropped else name + equals + value)
            if separate and i + 1 < len(args):
                target.append(args[i + 1])
            i += 2 if separate else 1
        if dropped:
            print("capstan: torchrun flags with no effect on one machine dropped:", dropped,
                  file=sys.stderr, flush=True)
        sys.argv = ["torchrun"] + kept + args[i:]
        runpy.run_module("%s", run_name="__main__", alter_sys=True)
        """
        .formatted(
            interpreter,
            pythonSet(MOOT),
            pythonSet(SWITCHES),
            REDIRECTS,
            NO_REDIRECTION,
            TEE,
            NO_REDIRECTION,
            MODULE);
  }

  private static String pythonSet(Set<String> words) {
    return words.stream()
        .sorted()
        .map(word -> "\"" + word + "\"")
        .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
  }

  /** torchrun's processes per node, which the control plane may leave to the runtime. */
  static final String NPROC_PER_NODE = "PET_NPROC_PER_NODE";

  /** The most processes torch 1.13's torchrun runs on a node here (see the class comment). */
  static final int MAX_LOCAL_PROCESSES = 9;

  /**
   * {@code env} with {@code PET_NPROC_PER_NODE=auto} (the Training Operator's default) made a
   * number for this replica: its GPUs, else its CPU limit in whole cores, at least 1 and at most
   * {@value #MAX_LOCAL_PROCESSES}. torchrun's own {@code auto} counts every CPU of the machine,
   * which on a shared machine oversubscribes a replica's share and, past nine, fails on torch 1.13.
   */
  static Map<String, String> resolveAuto(
      Map<String, String> env, long cpuMillis, int assignedGpus) {
    if (!"auto".equals(env.get(NPROC_PER_NODE))) {
      return env;
    }
    long processes = assignedGpus > 0 ? assignedGpus : Math.max(1, (cpuMillis + 999) / 1000);
    Map<String, String> resolved = new java.util.LinkedHashMap<>(env);
    resolved.put(NPROC_PER_NODE, Long.toString(Math.min(processes, MAX_LOCAL_PROCESSES)));
    return resolved;
  }

  /** Adds the redirection defaults that torchrun 1.13 on Python 3.11 cannot parse itself. */
  static void addDefaults(Map<String, String> env) {
    env.putIfAbsent(REDIRECTS, NO_REDIRECTION);
    env.putIfAbsent(TEE, NO_REDIRECTION);
  }
}
