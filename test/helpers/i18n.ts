import { en } from '../../lib/i18n/messages/en';
import { zhCN } from '../../lib/i18n/messages/zh-CN';
import { translator } from '../../lib/i18n/translator';

/** The views' words in English (what the page shows an English reader) and in Simplified Chinese. */
export const tEn = translator('en', en);
export const tZh = translator('zh-CN', zhCN);
