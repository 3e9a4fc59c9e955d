/**
 * Quoting for a POSIX shell (sh, bash, zsh): a word the shell would read back as exactly `word`.
 * Words made only of characters no shell treats specially stay bare, so the commands read as people
 * type them; anything else goes between single quotes, inside which a POSIX shell interprets nothing
 * (POSIX.1-2017 XCU §2.2.2), and a single quote itself becomes '\'' (close, escaped quote, reopen).
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line from its words, each quoted as needed. */
export function shellLine(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
