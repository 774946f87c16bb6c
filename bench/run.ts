import { benchSecurity } from './security.js';
import { benchSources } from './sources.js';
import { benchSummarize } from './summarize.js';

await benchSummarize();
benchSources();
await benchSecurity();
