import type { Translate } from '../../i18n/translator';
import type { ReproduceNote } from './commands';

/** One sentence for each thing the commands cannot express or the reader needs to run them. */
export function describeNote(note: ReproduceNote, t: Translate): string {
  switch (note.note) {
    case 'demo-target':
      return t('reproduce.note.demoTarget', { host: note.host });
    case 'default-lists':
      return t('reproduce.note.defaultLists');
    case 'refuse-fatal':
      return t('reproduce.note.refuseFatal');
    case 'ignore':
      return t('reproduce.note.ignore');
    case 'curl-renegotiates':
      return t('reproduce.note.curlRenegotiates');
    case 'no-switch':
      return t('reproduce.note.noSwitch', { tool: note.tool === 'openssl' ? 'openssl s_client' : 'curl', option: note.option });
    case 'needs-openssl-3.5':
      return t('reproduce.note.needsOpenssl', { group: note.group });
    case 'legacy-server':
      return t('reproduce.note.legacyServer');
    case 'tampered':
      return t('reproduce.note.tampered', { target: note.target });
    case 'body-omitted':
      return t('reproduce.note.bodyOmitted', { bytes: note.bytes });
    case 'resume-openssl':
      return t('reproduce.note.resumeOpenssl', { sessionFile: note.sessionFile });
    case 'resume-curl':
      return t('reproduce.note.resumeCurl');
    case 'early-data-openssl':
      return t('reproduce.note.earlyDataOpenssl', { requestFile: note.requestFile });
    case 'early-data-curl':
      return t('reproduce.note.earlyDataCurl');
    case 'psk-ke-openssl':
      return t('reproduce.note.pskKeOpenssl');
  }
}
