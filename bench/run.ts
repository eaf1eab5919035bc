/**
 * `npm run bench -- NAME [options]`: runs one benchmark, prints its progress, and ends with
 * one JSON line holding its figures, the machine and the baseline measured in the same run.
 */
import { benchApi } from './api.bench';
import { benchBoards } from './boards.bench';
import { benchConsole } from './console.bench';
import { benchIngest } from './ingest.bench';
import { benchSim } from './sim.bench';
import { benchTelegestion } from './telegestion.bench';

const BENCHES: Record<string, (argv: string[]) => Promise<Record<string, unknown>>> = {
  api: benchApi,
  boards: benchBoards,
  console: benchConsole,
  ingest: benchIngest,
  sim: benchSim,
  telegestion: benchTelegestion,
};

async function main(): Promise<void> {
  const [name, ...argv] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    console.error(`usage: npm run bench -- {${Object.keys(BENCHES).join('|')}} [options]`);
    process.exit(2);
  }
  const result = await bench(argv);
  console.log(JSON.stringify(result));
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
