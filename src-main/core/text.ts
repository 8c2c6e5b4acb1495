// Characters that must not reach a terminal or a label as they are: C0 and C1 controls (escape
// sequences start with them) and the bidirectional overrides that reorder what is shown.
// eslint-disable-next-line no-control-regex
const CONTROL_AND_BIDI = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
// eslint-disable-next-line no-control-regex
const CONTROL_AND_BIDI_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** One line of text safe to show anywhere: controls and bidi overrides removed. */
export function withoutControls(text: string): string {
  return text.replace(CONTROL_AND_BIDI, '')
}

/** Text for a terminal: controls and bidi overrides removed, new lines and tabs kept. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL_AND_BIDI_BUT_LINES, '')
}

/** True when a text holds nothing that `withoutControls` would remove. */
export function isPrintable(text: string): boolean {
  return withoutControls(text) === text
}
