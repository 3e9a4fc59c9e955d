import { enCore } from './messages/enCore';
import { translator, type Catalog } from './translator';

/**
 * English, for the view functions called without a translator (`stepTitle(step)`, `rowLabel(row)`):
 * the server, the CLI and tests get the English words from it. It holds the namespaces the view
 * functions word (`enCore`), not the pages' own words, the hex view's field words, the CLI's or the
 * lessons' prose, which no view function words without being given a translator: a page's scripts
 * do not carry them, the page gets them in its own language with its catalog.
 */
export const english = translator('en', enCore as unknown as Catalog);
