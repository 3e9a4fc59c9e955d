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

/** Every message's dotted key: `summary.outcome.ok`, `advice.renegotiation.title`, … */
export type MessageKey = Leaves<Messages>;
type Leaves<T, Prefix extends string = ''> = { [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`> }[keyof T & string];

export type MessageValues = Record<string, string | number | Date>;

/**
 * What the view functions (lib/view, lib/doctor, cli) take to say things: `t('summary.outcome.ok')`,
 * `t('trace.counts', { steps, sent, received })`. A key that no catalog has is a type error; the
 * placeholders of each message are checked against every language by test/i18n/catalog.test.ts.
 * (Components that call next-intl directly get its stricter per-message argument types.) Our own
 * type, not the library's, so the declarations of the published package stand alone.
 */
export type Translate = (key: MessageKey, values?: MessageValues) => string;

/** next-intl's or use-intl's translator as a `Translate`: the same function, seen through our type. */
export function asTranslate(t: unknown): Translate {
  const call = t as (key: string, values?: MessageValues) => string;
  return (key, values) => call(key, values);
}

/**
 * A catalog as the libraries' typed `Messages`: every catalog has the English keys (Catalog), so
 * this is only a change of view; the words stay the catalog's own.
 */
export function asMessages(catalog: Catalog): Messages {
  return catalog as Messages;
}

/** A translator for `locale` over its catalog (see ./catalogs.ts to load one). */
export function translator(locale: Locale, catalog: Catalog): Translate {
  return asTranslate(createTranslator({ locale, messages: asMessages(catalog), timeZone: 'UTC' }));
}
