/**
 * How the user started senti, as a prefix they can paste in front of a subcommand: `senti` (installed or linked),
 * `pnpm --silent senti` (the root script), `pnpm --silent --filter cli start` (from the sources), `pnpm --silent start`
 * (inside apps/cli) or the npm forms. Hints such as "try: … predict --model-dir runs/demo" use it, so they work as
 * printed; `--silent` keeps the package manager's own failure block (ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL, ELIFECYCLE,
 * npm's "Lifecycle script failed") off a command that exits non-zero on purpose, e.g. 2 for a usage mistake.
 */
export function invocationPrefix(env: NodeJS.ProcessEnv = process.env): string {
  const event = env.npm_lifecycle_event;
  const agent = env.npm_config_user_agent ?? '';
  const runner = agent.startsWith('pnpm/') ? 'pnpm' : agent.startsWith('yarn/') ? 'yarn' : 'npm';
  if (event === 'senti') return runner === 'npm' ? 'npm --silent run senti --' : `${runner} --silent senti`;
  if (event === 'start' && env.npm_package_name === '@senti/cli') {
    if (runner === 'npm') return 'npm --silent start --';
    const inPackage = env.INIT_CWD !== undefined && env.INIT_CWD === env.PNPM_SCRIPT_SRC_DIR;
    return inPackage ? `${runner} --silent start` : `${runner} --silent --filter cli start`;
  }
  return 'senti';
}
