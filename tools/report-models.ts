// `npm run report [-- --data fashion-mnist-subset] [-- --limit N]`: the full accuracy report for each
// shipped model in models/ (float .json against int8 .tcm on the test split, with the calibration
// comparison), written to reports/<name>.html/.md/.json. This is the heavy run the test suite only
// smoke-tests; on the full 10,000 test images it takes several minutes per model.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../src/deploy/runtime-bundle.js';
import { EXAMPLE_MODEL_IDS, SHIPPED_FILE } from './example-models.js';
import { main as report } from './verbs/report.js';

async function reportShippedModels(extra: string[]): Promise<number> {
  const models = join(packageRoot(), 'models');
  let written = 0;
  for (const id of EXAMPLE_MODEL_IDS) {
    const tcm = relative(process.cwd(), join(models, SHIPPED_FILE[id])); // the report prints the paths
    const json = tcm.replace(/\.tcm$/, '.json');
    if (!existsSync(tcm) || !existsSync(json)) {
      console.error(`report: ${SHIPPED_FILE[id]} or its float .json is missing from models/, skipped`);
      continue;
    }
    const name = SHIPPED_FILE[id].replace(/\.tcm$/, '');
    console.error(`report: ${name}`);
    await report(['--float', json, '--int8', tcm, '--data', 'fashion-mnist', '--compare-calibration', '--json',
      '--out', join('reports', `${name}.html`), ...extra]);
    written++;
  }
  return written > 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  reportShippedModels(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: Error) => {
    console.error(`report: ${e.message}`);
    process.exitCode = 2;
  });
}
