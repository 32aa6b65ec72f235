import type { RuleType } from '../rule-type.js';

/** A file was uploaded or fetched into a honeypot (malware sample kept in quarantine). */
export const fileUploadRule = {
  name: 'file_upload',
  description: 'a source uploaded or downloaded a file into a honeypot',
  defaultSeverity: 'high',
  params: {},
  create() {
    return {
      types: ['honeypot.upload'],
      observe(ev) {
        const d = ev.raw.data as { filename?: string; size?: number };
        return { summary: `${ev.src} uploaded ${d.filename ?? 'a file'} (${d.size ?? '?'} bytes, sha256 ${ev.sha256 ?? '?'})`, evidence: [ev.id] };
      },
      reset() {},
    };
  },
} satisfies RuleType;
