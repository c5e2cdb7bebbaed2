import type { FaceResult } from '@faceattr/core';

const COLORS = ['#00e676', '#40c4ff', '#ffd740', '#ff6e40', '#e040fb', '#b2ff59'];

const pct = (p: number) => `${Math.round(p * 100)}%`;

/** The text lines drawn above a face: gender with its confidence, age with its spread, and race when asked for. */
export function faceLabel(face: FaceResult & { trackId?: number }): string[] {
  const lines: string[] = [];
  const head: string[] = [];
  if (face.gender) head.push(`${face.gender.label} ${pct(face.gender.probability)}`);
  if (face.age) head.push(`${face.age.years.toFixed(0)} ±${face.age.uncertainty.toFixed(0)} y`);
  if (head.length) lines.push(head.join(' · '));
  if (face.race) lines.push(`${face.race.label} ${pct(face.race.probability)}`);
  lines.push(`${face.trackId !== undefined ? `#${face.trackId} ` : ''}face ${pct(face.score)}`);
  return lines;
}

/** Draws boxes, the five landmarks and labels for `faces` on a canvas sized like the frame. */
export function drawFaces(canvas: HTMLCanvasElement, width: number, height: number, faces: readonly (FaceResult & { trackId?: number })[]): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, width, height);
  const lineWidth = Math.max(2, Math.round(width / 320));
  const fontPx = Math.max(12, Math.round(width / 48));
  ctx.font = `600 ${fontPx}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const face of faces) {
    const color = COLORS[(face.trackId ?? 0) % COLORS.length]!;
    const { x, y, width: w, height: h } = face.box;
    ctx.lineWidth = lineWidth;
    ctx.strokeStyle = color;
    ctx.strokeRect(x, y, w, h);
    ctx.fillStyle = color;
    for (const p of Object.values(face.landmarks)) {
      ctx.beginPath();
      ctx.arc(p.x, p.y, lineWidth * 1.2, 0, Math.PI * 2);
      ctx.fill();
    }
    const lines = faceLabel(face);
    const lineH = Math.round(fontPx * 1.25);
    const textW = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 8;
    const top = y - lines.length * lineH - 4 >= 0 ? y - lines.length * lineH - 4 : y + h + 4;
    const left = Math.max(0, Math.min(x, width - textW));
    ctx.fillStyle = 'rgba(0, 0, 0, 0.65)';
    ctx.fillRect(left, top, textW, lines.length * lineH + 4);
    ctx.fillStyle = color;
    lines.forEach((l, i) => ctx.fillText(l, left + 4, top + 2 + i * lineH));
  }
}
