import { benchSources } from './sources.js';
import { benchSummarize } from './summarize.js';

await benchSummarize();
benchSources();
