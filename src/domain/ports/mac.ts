/** A MAC in OpenStack's locally administered fa:16:3e prefix; `random` yields bytes 0–255. */
export function generateMac(random: () => number): string {
  const tail = [random(), random(), random()].map((byte) => (byte & 255).toString(16).padStart(2, "0"));
  return ["fa", "16", "3e", ...tail].join(":");
}

export function isMac(text: string): boolean {
  return /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(text);
}
