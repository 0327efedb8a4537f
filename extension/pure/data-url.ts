// Decoding the dashboard's chart exports (data:image/png;base64,…) before they are written to
// disk; anything that is not a base64 PNG is refused rather than written.
const PNG_PREFIX = 'data:image/png;base64,';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

export function decodePngDataUrl(dataUrl: string): Uint8Array {
  if (!dataUrl.startsWith(PNG_PREFIX)) throw new Error('the export is not a PNG data URL');
  const bytes = Buffer.from(dataUrl.slice(PNG_PREFIX.length), 'base64');
  if (!PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) throw new Error('the export is not a PNG image');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
