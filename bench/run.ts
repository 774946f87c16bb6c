import { benchAcks } from './acks/run.js';
import { benchSecurity } from './security.js';
import { benchSources } from './sources.js';
import { benchStartup } from './startup.js';
import { benchSummarize } from './summarize.js';

/** `npm run bench` runs every benchmark; `npm run bench -- acks startup` only those named. */
const chosen = new Set(process.argv.slice(2));
const wanted = (name: string) => chosen.size === 0 || chosen.has(name);

if (wanted('summarize')) await benchSummarize();
if (wanted('sources')) benchSources();
if (wanted('security')) await benchSecurity();
if (wanted('startup')) benchStartup();
if (wanted('acks')) await benchAcks();
