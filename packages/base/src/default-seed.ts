/**
 * The seed of every seeded step (split, folds, shuffles, dropout, head init) when none is given: the tutorial's
 * `random_state`, so senti's default run splits the data as the tutorial does.
 */
export const DEFAULT_SEED = 2021;
