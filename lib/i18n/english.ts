import { enCore } from './messages/en';
import { translator, type Catalog } from './translator';

/**
 * English, for the view functions called without a translator (`stepTitle(step)`, `rowLabel(row)`):
 * the server, the CLI and tests get the English words from it. It holds every namespace but the
 * hex view's field words (`fields`), which no view function words without being given a translator,
 * so a page's scripts do not carry them: the page gets the field words of its own language with its
 * catalog, and the other language's on a switch.
 */
export const english = translator('en', { ...enCore, fields: {} } as unknown as Catalog);
