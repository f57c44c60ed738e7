/**
 * How the user started senti, as a prefix they can paste in front of a subcommand: `senti` (installed or linked),
 * `pnpm senti` (the root script), `pnpm --filter cli start` (from the sources), `pnpm start` (inside apps/cli) or the
 * npm forms. Hints such as "try: … predict --model-dir runs/demo" use it, so they work as printed.
 */
export function invocationPrefix(env: NodeJS.ProcessEnv = process.env): string {
  const event = env.npm_lifecycle_event;
  const agent = env.npm_config_user_agent ?? '';
  const runner = agent.startsWith('pnpm/') ? 'pnpm' : agent.startsWith('yarn/') ? 'yarn' : 'npm';
  if (event === 'senti') return runner === 'npm' ? 'npm run senti --' : `${runner} senti`;
  if (event === 'start' && env.npm_package_name === '@senti/cli') {
    if (runner === 'npm') return 'npm start --';
    const inPackage = env.INIT_CWD !== undefined && env.INIT_CWD === env.PNPM_SCRIPT_SRC_DIR;
    return inPackage ? `${runner} start` : `${runner} --filter cli start`;
  }
  return 'senti';
}
