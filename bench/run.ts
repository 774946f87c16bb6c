import { benchSummarize } from './summarize.js';

await benchSummarize();
