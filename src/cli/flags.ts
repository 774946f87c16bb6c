const OFF = new Set(['', '0', 'false', 'no', 'off']);

/** An on/off setting such as RECAP_DEBUG: unset, empty, 0, false, no and off mean off; anything else on. */
export function isOn(value: string | undefined): boolean {
  return value !== undefined && !OFF.has(value.trim().toLowerCase());
}
