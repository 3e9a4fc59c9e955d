/**
 * Turns the engine's RFC references ("RFC 8446 §4.1.2", "RFC 5246 §7.4.1.1", "RFC 8446 §B.3")
 * into links to the RFC Editor's HTML rendering, whose anchors are #section-N and #appendix-X.
 */
export interface RfcLink {
  /** The reference as the trace wrote it. */
  label: string;
  href: string;
}

const REFERENCE = /RFC\s*(\d{3,5})(?:\s*§\s*([A-Z0-9]+(?:\.\d+)*))?/i;

export function rfcLink(reference: string | undefined): RfcLink | undefined {
  if (!reference) return undefined;
  const match = REFERENCE.exec(reference);
  if (!match) return undefined;
  const [, number, section] = match;
  let href = `https://www.rfc-editor.org/rfc/rfc${Number(number)}`;
  if (section) {
    // Appendix sections start with a letter (RFC 8446 §A.1 → #appendix-A.1).
    href += /^[A-Z]/i.test(section) ? `#appendix-${section.toUpperCase()}` : `#section-${section}`;
  }
  return { label: reference.trim(), href };
}
