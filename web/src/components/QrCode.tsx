import { create } from 'qrcode';
import { useMemo } from 'react';

/** Modules of white border around the symbol: the quiet zone that QR readers need to find it. */
const QUIET_ZONE = 4;

/**
 * A QR code drawn as SVG elements, one path of dark modules: nothing inline for the CSP to refuse
 * (no data: URL, no injected markup) and sharp at any zoom. `qrcode` only encodes; React draws.
 */
export function QrCode({ value, label, size = 200 }: { value: string; label: string; size?: number }) {
  const { path, extent } = useMemo(() => {
    // Level M: the otpauth URI fits easily, and a slightly blurred photo still reads.
    const { modules } = create(value, { errorCorrectionLevel: 'M' });
    let d = '';
    for (let row = 0; row < modules.size; row++)
      for (let col = 0; col < modules.size; col++)
        if (modules.get(row, col)) d += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
    return { path: d, extent: modules.size + 2 * QUIET_ZONE };
  }, [value]);
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${extent} ${extent}`}
      width={size}
      height={size}
      shapeRendering="crispEdges"
    >
      <rect width={extent} height={extent} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
