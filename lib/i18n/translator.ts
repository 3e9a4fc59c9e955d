/**
 * Words for the views, the doctor and the CLI: one translator type over the English catalog (the
 * source of every key), created by next-intl in the app and by use-intl's core in the CLI and tests.
 * View functions take a `Translate` instead of returning English, so the same trace reads in any
 * language we ship.
 */
import { createTranslator } from 'use-intl/core';
import type { en } from './messages/en';
import type { Locale } from './locales';

/** The English catalog's shape: every other catalog has the same keys (./messages/zh-CN.ts). */
export type Messages = typeof en;

/** A catalog in another language: the same keys as English, any words. */
export type Catalog = CatalogOf<Messages>;
type CatalogOf<T> = { readonly [K in keyof T]: T[K] extends string ? string : CatalogOf<T[K]> };

/** `t('summary.outcome.ok')`, `t('summary.alerts', { count })`: keys and placeholders are type-checked. */
export type Translate = ReturnType<typeof createTranslator<Messages>>;

/**
 * A catalog as the libraries' typed `Messages`: every catalog has the English keys (Catalog), so
 * this is only a change of view; the words stay the catalog's own.
 */
export function asMessages(catalog: Catalog): Messages {
  return catalog as Messages;
}

/** A translator for `locale` over its catalog (see ./catalogs.ts to load one). */
export function translator(locale: Locale, catalog: Catalog): Translate {
  return createTranslator({ locale, messages: asMessages(catalog), timeZone: 'UTC' });
}
