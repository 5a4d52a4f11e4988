/**
 * Naming a control character in an error message, since printing it would
 * break the message (a CR or LF) or hide it (a NUL).
 */

/** `U+000D`: the code point of a character, as Unicode writes it. */
export function codePoint(c: string): string {
  return `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `CR`, `LF`, `NUL`, or the code point (`U+001B`) of any other control character. */
export function controlCharacterName(c: string): string {
  return c === '\r' ? 'CR' : c === '\n' ? 'LF' : c === '\u0000' ? 'NUL' : codePoint(c);
}
