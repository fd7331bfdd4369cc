// Runs Shopify's theme-check over the theme app extension; exits 1 on any offence.
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {themeCheckRun} from '@shopify/theme-check-node';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', 'extensions', 'referral-launcher');
const {offenses} = await themeCheckRun(root, path.join(root, '.theme-check.yml'), () => {});
for (const offense of offenses) {
  const where = path.relative(root, new URL(offense.uri).pathname);
  console.log(`${where}:${offense.start.line + 1}: [${offense.check}] ${offense.message}`);
}
console.log(`theme-check: ${offenses.length} offence(s)`);
process.exit(offenses.length === 0 ? 0 : 1);
