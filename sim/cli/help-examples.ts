/**
 * The examples `meshsim --help` shows ($0 is the command's name). Kept apart from main.ts so a test
 * can run them and check that each shows what its description says.
 */
export const HELP_EXAMPLES: readonly (readonly [command: string, description: string])[] = [
  ['$0 run scenarios/quickstart.yaml', 'run the quickstart and print its summary'],
  ['$0 run scenarios/quickstart.yaml --seeds 8 --out out/', '8 replications in worker threads; write summary.json and timeseries.csv'],
  ['$0 run my.yaml --access-log access.log --no-variants', 'one run with an Envoy-style access log'],
  ['$0 run scenarios/quickstart.yaml --report report.html', 'write an HTML report with charts'],
  ['$0 validate scenarios/*.yaml', 'check scenarios without running them'],
  ['$0 validate scenarios/quickstart.yaml --variant more-catalog-pods', 'a variant as it runs, every default written out'],
  ['$0 check scenarios/*.yaml', "run every scenario's expect: list, as a regression test in CI"],
  // The rollout starts at 20s; its first endpoint push reaches the proxies from 20.159s to 20.19s.
  ['$0 run scenarios/rolling-deploy-503s.yaml --proxy-status 20.165s', 'which proxies were still STALE at 20.165s, mid-way through the first push'],
  ['$0 run scenarios/lyft-scale-down-undead-hosts.yaml --proxy-config api/frontend-0@70s', 'the undead hosts one caller still lists'],
  ['$0 sweep my.yaml --set services.catalog.replicas=3,5,8 --seeds 10 --out out/', 'a grid x 10 seeds; write sweep.json and sweep.csv'],
  ['$0 sweep my.yaml --shard 2/3 --out part/ && $0 merge part/', 'run shard 2 of 3, and merge the shards once all are done'],
];
