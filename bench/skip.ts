/** Thrown by a section that cannot run on this machine right now; recorded as "skipped" with the reason. */
export class SkipSection extends Error {
  override name = 'SkipSection';
}
