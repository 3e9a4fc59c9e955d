// Types of the module scripts/gen-roots.ts generates (roots.generated.ts, not committed), so the
// project typechecks before the generator has run.
export declare const MOZILLA_ROOTS_SOURCE: string;
export declare const MOZILLA_ROOTS: readonly string[];
