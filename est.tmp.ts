import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { readFileSync } from 'node:fs';
import { estimateTokens } from './src/core/summarize/tokens.ts';
const samples: Record<string,string> = {};
for (const f of ['russian','chinese','japanese','code']) samples[f]=readFileSync(`/work/main/test/fixtures/languages/${f}.txt`,'utf8');
samples.memo = readFileSync('/work/main/test/fixtures/google-memo/transcript.txt','utf8');
for (const f of ['Bed003','ES2004a','covid_4']) { const d=JSON.parse(readFileSync(`/work/shared/datasets/qmsum/${f}.json`,'utf8')); samples[f]=d.meeting_transcripts.map((t:any)=>`${t.speaker}: ${t.content}`).join('\n'); }
for (const [k,v] of Object.entries(samples)) { const real=encode(v).length; const est=estimateTokens(v); console.log(k.padEnd(10), real, est, (est/real).toFixed(2)); }
