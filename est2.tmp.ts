import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { readFileSync } from 'node:fs';
const texts = [readFileSync('test/fixtures/google-memo/transcript.txt','utf8')];
for (const f of ['Bed003','ES2004a','covid_4','education_4','Bmr006']) { const d=JSON.parse(readFileSync(`/work/shared/datasets/qmsum/${f}.json`,'utf8')); texts.push(d.meeting_transcripts.map((t:any)=>`${t.speaker}: ${t.content}`).join('\n')); }
// per-word real tokens by length
const byLen = new Map<number,[number,number]>();
for (const t of texts) for (const w of t.match(/\p{Script=Latin}+/gu) ?? []) { const r = encode(' '+w).length; const e = byLen.get(w.length) ?? [0,0]; e[0]+=r; e[1]++; byLen.set(w.length,e); }
for (const [l,[r,n]] of [...byLen].sort((a,b)=>a[0]-b[0])) console.log(l, n, (r/n).toFixed(2));
