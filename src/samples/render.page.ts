// Draws one laid-out page as SVG (text, rules, signatures, stamp, holes, speckle) for librsvg via sharp.
import type { Logger } from '../core/logger.ts';
import { resolveFontFamily, type FontChoice } from './fonts.ts';
import {
  PAGE_H,
  PAGE_W,
  STAMP_FONT_PX,
  STAMP_LINE_H,
  type PageLayout,
  type PlacedBox,
  type PlacedDrawing,
  type PlacedStamp,
} from './layout.page.ts';
import { grey, speckleSvg, type ScanLook } from './scan-effects.ts';
import { Rng } from './random.ts';

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function familyAttr(font: FontChoice, logger?: Logger): string {
  return escapeXml(resolveFontFamily(font, logger));
}

export function pageSvg(page: PageLayout, look: ScanLook, rng: Rng, logger?: Logger): string {
  const cx = PAGE_W / 2;
  const cy = PAGE_H / 2;
  const body: string[] = [];

  for (const t of page.texts) {
    const ink = grey(look.ink + (look.inkJitter ? rng.int(-look.inkJitter, look.inkJitter) : 0));
    const stroke =
      t.font.role === 'typewriter' ? ` stroke="${ink}" stroke-width="${look.typeStroke}" stroke-linejoin="round"` : '';
    body.push(
      `<text x="${t.x}" y="${t.y}" font-family="${familyAttr(t.font, logger)}" font-size="${t.sizePx}"` +
        `${t.bold ? ' font-weight="bold"' : ''}${t.anchor === 'middle' ? ' text-anchor="middle"' : ''}` +
        ` fill="${ink}"${stroke}>${escapeXml(t.text)}</text>`,
    );
  }
  for (const r of page.rules) {
    body.push(`<line x1="${r.x1}" y1="${r.y}" x2="${r.x2}" y2="${r.y}" stroke="${grey(look.ink)}" stroke-width="${r.width}"/>`);
  }
  for (const s of page.signatures) body.push(signaturePath(s, rng, look));
  for (const d of page.drawings) body.push(floorPlan(d, look));
  if (page.stamp) body.push(stampSvg(page.stamp, look, logger));
  if (look.holes) {
    for (const dy of [-400, 400]) {
      body.push(`<circle cx="110" cy="${cy + dy}" r="38" fill="${grey(look.mode === 'bilevel' ? 20 : 45)}"/>`);
    }
  }

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PAGE_W}" height="${PAGE_H}" viewBox="0 0 ${PAGE_W} ${PAGE_H}">` +
    `<rect x="0" y="0" width="${PAGE_W}" height="${PAGE_H}" fill="${grey(look.paper)}"/>` +
    `<g transform="rotate(${look.skewDeg} ${cx} ${cy})">${body.join('')}</g>` +
    speckleSvg(rng, look) +
    `</svg>`
  );
}

/** A simple floor plan: outer walls, a few partitions, door gaps and windows. No text. */
function floorPlan(box: PlacedDrawing, look: ScanLook): string {
  const rng = new Rng(box.seed);
  const ink = grey(look.ink);
  const w = Math.round(box.w * rng.float(0.7, 0.95));
  const h = Math.round(Math.min(box.h, w * rng.float(0.5, 0.8)));
  const x0 = Math.round(box.x + (box.w - w) / 2);
  const y0 = box.y;
  const parts = [`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="${ink}" stroke-width="14"/>`];
  const cols = rng.int(2, 3);
  const rows = rng.int(1, 2);
  for (let i = 1; i < cols; i++) {
    const x = Math.round(x0 + (w * i) / cols + rng.int(-40, 40));
    const gap = rng.int(Math.round(h * 0.2), Math.round(h * 0.6));
    parts.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + gap}" stroke="${ink}" stroke-width="7"/>`);
    parts.push(`<line x1="${x}" y1="${y0 + gap + 90}" x2="${x}" y2="${y0 + h}" stroke="${ink}" stroke-width="7"/>`);
    parts.push(`<path d="M ${x} ${y0 + gap + 90} A 90 90 0 0 1 ${x + 90} ${y0 + gap}" fill="none" stroke="${ink}" stroke-width="2"/>`);
  }
  for (let j = 1; j < rows; j++) {
    const y = Math.round(y0 + (h * j) / rows);
    parts.push(`<line x1="${x0}" y1="${y}" x2="${x0 + Math.round(w * 0.6)}" y2="${y}" stroke="${ink}" stroke-width="7"/>`);
  }
  for (let k = 0; k < rng.int(2, 4); k++) {
    const wx = Math.round(x0 + rng.float(0.1, 0.8) * w);
    parts.push(`<rect x="${wx}" y="${y0 - 9}" width="140" height="18" fill="${grey(look.paper)}" stroke="${ink}" stroke-width="3"/>`);
  }
  // dimension line under the plan
  parts.push(`<line x1="${x0}" y1="${y0 + h + 50}" x2="${x0 + w}" y2="${y0 + h + 50}" stroke="${ink}" stroke-width="2"/>`);
  for (const x of [x0, x0 + w]) parts.push(`<line x1="${x}" y1="${y0 + h + 30}" x2="${x}" y2="${y0 + h + 70}" stroke="${ink}" stroke-width="2"/>`);
  return parts.join('');
}

/** A quick handwritten scrawl: a few connected curves across the box. */
function signaturePath(box: PlacedBox, rng: Rng, look: ScanLook): string {
  const y0 = box.y + box.h * 0.6;
  let d = `M ${box.x + rng.int(0, 40)} ${Math.round(y0)}`;
  const strokes = rng.int(3, 5);
  const step = box.w / strokes;
  for (let i = 1; i <= strokes; i++) {
    const x = Math.round(box.x + step * i);
    const c1x = Math.round(x - step * rng.float(0.6, 0.9));
    const c1y = Math.round(box.y + rng.float(0, box.h * 0.5));
    const c2x = Math.round(x - step * rng.float(0.1, 0.4));
    const c2y = Math.round(box.y + rng.float(box.h * 0.5, box.h));
    const y = Math.round(box.y + rng.float(box.h * 0.35, box.h * 0.85));
    d += ` C ${c1x} ${c1y} ${c2x} ${c2y} ${x} ${y}`;
  }
  const ink = grey(Math.min(look.ink + 30, look.mode === 'bilevel' ? 90 : 110));
  return `<path d="${d}" fill="none" stroke="${ink}" stroke-width="${rng.int(3, 6)}" stroke-linecap="round"/>`;
}

function stampSvg(stamp: PlacedStamp, look: ScanLook, logger?: Logger): string {
  const ink = grey(look.mode === 'bilevel' ? Math.min(look.stampInk, look.threshold - 60) : look.stampInk);
  const family = familyAttr({ role: 'sans', family: 'Liberation Sans' }, logger);
  const parts: string[] = [];
  const { cx, cy, w, h } = stamp;
  if (stamp.spec.shape === 'circle') {
    const r = w / 2;
    parts.push(`<circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="${ink}" stroke-width="7"/>`);
    parts.push(`<circle cx="${cx}" cy="${cy}" r="${r - 16}" fill="none" stroke="${ink}" stroke-width="3"/>`);
  } else {
    parts.push(`<rect x="${cx - w / 2}" y="${cy - h / 2}" width="${w}" height="${h}" rx="10" fill="none" stroke="${ink}" stroke-width="7"/>`);
    parts.push(`<rect x="${cx - w / 2 + 14}" y="${cy - h / 2 + 14}" width="${w - 28}" height="${h - 28}" fill="none" stroke="${ink}" stroke-width="3"/>`);
  }
  const lines = stamp.spec.lines;
  const firstBaseline = cy - ((lines.length - 1) * STAMP_LINE_H) / 2 + STAMP_FONT_PX * 0.35;
  lines.forEach((line, i) => {
    parts.push(
      `<text x="${cx}" y="${Math.round(firstBaseline + i * STAMP_LINE_H)}" font-family="${family}" font-size="${STAMP_FONT_PX}"` +
        ` font-weight="bold" text-anchor="middle" fill="${ink}">${escapeXml(line)}</text>`,
    );
  });
  return `<g transform="rotate(${look.stampAngle} ${cx} ${cy})">${parts.join('')}</g>`;
}
