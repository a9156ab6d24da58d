package io.capstan.tuning.suggestion;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Random search: each trial draws every parameter from its distribution (uniform, log-uniform,
 * normal or log-normal; rounded to the step; categorical and discrete choices uniformly), with the
 * random numbers of its own index, so it never runs out.
 */
final class RandomSearch implements SuggestionAlgorithm {
  private final SearchSpace space;

  RandomSearch(SearchSpace space) {
    this.space = requireNonNull(space, "space is null");
  }

  @Override
  public Optional<Assignment> next(ExperimentState state) {
    return Optional.of(space.sample(new TrialRandom(state.seed(), state.trials().size())));
  }
}
