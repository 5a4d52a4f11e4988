/**
 * Values that are credentials themselves, not references to them: private
 * keys, AWS access key ids, Hugging Face, OpenAI-style and GitHub tokens.
 */
export const CREDENTIAL_VALUE = /(-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|hf_[A-Za-z0-9]{30,}|sk-[A-Za-z0-9]{20,}|ghp_[A-Za-z0-9]{36})/;

/** True when `text` contains something shaped like a credential value. */
export function looksLikeCredential(text: string): boolean {
  return CREDENTIAL_VALUE.test(text);
}
