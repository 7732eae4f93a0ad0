import { createBuiltinEmbedder } from '../server/domain/embeddings';
import { fmt, timed, type Backend } from './lib';

/**
 * Built-in model (Universal Sentence Encoder lite, CPU): first load, then throughput for calls of 1, 16,
 * 64 and 256 short memories. Independent of the database, so `b` is unused.
 */
export async function benchEmbeddings(_b: Backend, report: (line: string) => void) {
  const memory = (i: number) =>
    `memory ${i}: the user said they ${['prefer green tea in the morning', 'moved to Lisbon last spring', 'are allergic to peanuts', 'work on a compiler in Rust'][i % 4]} (note ${i % 97})`;
  const e = createBuiltinEmbedder();
  // The model's cost grows with tokens per text, so the numbers only compare at this length.
  const avgChars = Math.round(Array.from({ length: 400 }, (_, i) => memory(i).length).reduce((a, b) => a + b) / 400);
  const load = await timed(() => e.embed(['warm up']));
  report(`builtin model first call (load + 1 text): ${fmt(load.ms)} ms`);
  for (const size of [1, 16, 64, 256]) {
    const calls = Math.max(3, Math.ceil(512 / size));
    let n = 0;
    const { ms } = await timed(async () => {
      for (let c = 0; c < calls; c++) await e.embed(Array.from({ length: size }, () => memory(n++)));
    });
    report(
      `builtin embed, ${calls} calls of ${size} (~${avgChars} chars each): ${Math.round(n / (ms / 1000))} texts/s (${fmt(ms / calls)} ms per call)`,
    );
  }
}
