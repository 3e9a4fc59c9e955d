import type { MessageKey, Translate } from '../i18n/translator';

/** The machine codes the app's JSON API answers errors with (app/api/upload.ts, server/store/types.ts). */
const CODES = ['TOO_LARGE', 'INVALID', 'UNAVAILABLE', 'UNSUPPORTED_MEDIA_TYPE', 'NOT_FOUND'] as const;

/**
 * An error of the app's own API as a page shows it. The API answers `{ error, code }`: a stable
 * machine `code` and one English sentence for API clients, with the numbers that matter (the size
 * limit, the validation failure). A reader of English gets that sentence as it is; any other language
 * words the code from the catalog. `otherwise`: the sentence when the answer had no body to read.
 */
export function apiErrorSentence(answer: { error?: string; code?: string }, otherwise: string, t: Translate): string {
  if (t('api.ownWords') === 'yes' && answer.error) return answer.error;
  const code = CODES.find((c) => c === answer.code);
  return code ? t(`api.error.${code}` as MessageKey) : otherwise;
}
