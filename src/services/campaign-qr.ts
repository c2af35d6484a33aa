/**
 * A print-ready poster for reception and discharge desks: the hospital's name, the call to action (English and the
 * campaign's second language), the QR code of the feedback page and its URL. The QR matrix comes from the `qrcode`
 * library (error correction level Q, so a scuffed print still scans); it is drawn as one SVG path, and the SVG is
 * rasterised by resvg into an A6 PNG at 300 dpi. Text in a script the machine has no font for (e.g. Devanagari
 * without fonts-noto-core) is missing from the PNG; the SVG leaves the fonts to the printing computer.
 */
import { Resvg } from '@resvg/resvg-js';
import type { WebClient } from '@slack/web-api';
import escapeHtml from 'escape-html';
import QRCode from 'qrcode';
import { SmxError } from '../errors';
import { stringsFor } from '../i18n/feedback';
import { uploadFiles } from '../slack/upload';
import type { CampaignView } from './campaigns';
import { CHANNEL_ERRORS, slackErrorCode } from './report';

/** A6 portrait in tenths of a millimetre; the PNG is 1240 × 1748 px (300 dpi). */
const WIDTH = 1050;
const HEIGHT = 1480;
export const POSTER_PNG_WIDTH = 1240;

export interface Poster {
  svg: string;
  png: Buffer;
  altText: string;
  filename: string;
}

/** Dark modules as one path: one `h1v1h-1z` square per module, merged into runs per row. */
function qrPath(text: string): { d: string; size: number } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'Q' });
  const size = qr.modules.size;
  const parts: string[] = [];
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (!qr.modules.get(y, x)) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && qr.modules.get(y, x)) x++;
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  }
  return { d: parts.join(''), size };
}

/** Width of the printable line, and the average glyph width as a share of the font size (sans / mono). */
const LINE_WIDTH = 960;
const SANS = 0.56;
const MONO = 0.61;

/** A centred line; its font shrinks from `size` until the text fits the line. */
function textLine(y: number, size: number, text: string, weight = 400, glyph = SANS, family = ''): string {
  const fitted = Math.min(size, Math.floor(LINE_WIDTH / (glyph * Math.max(1, Array.from(text).length))));
  const font = family ? ` font-family="${family}"` : '';
  return `<text x="${WIDTH / 2}" y="${y}" font-size="${fitted}" font-weight="${weight}" text-anchor="middle"${font}>${escapeHtml(text)}</text>`;
}

export function posterSvg(campaign: CampaignView, url: string, hospitalName: string | undefined): string {
  const en = stringsFor('en');
  const second = campaign.language ? stringsFor(campaign.language) : undefined;
  const heading = hospitalName ?? campaign.facility ?? '';
  const sub = hospitalName && campaign.facility ? campaign.facility : '';
  const { d, size } = qrPath(url);
  // The code with a quiet zone of 4 modules, 640 wide, centred.
  const qrWidth = 640;
  const scale = qrWidth / (size + 8);
  const qrX = (WIDTH - qrWidth) / 2;
  const qrY = second ? 470 : 420;
  const lines = [
    heading ? textLine(130, 64, heading, 700) : '',
    sub ? textLine(200, 40, sub) : '',
    textLine(300, 76, en.callToAction, 700),
    second ? textLine(390, 56, second.callToAction, 700) : '',
    textLine(qrY + qrWidth + 80, 32, en.posterHint),
    second ? textLine(qrY + qrWidth + 130, 30, second.posterHint) : '',
    textLine(HEIGHT - 70, 28, url, 400, MONO, 'DejaVu Sans Mono, monospace'),
  ].filter((l) => l !== '');
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="105mm" height="148mm" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(`${en.callToAction}: ${url}`)}">
<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>
<g font-family="DejaVu Sans, Noto Sans, Noto Sans Devanagari, Arial, sans-serif" fill="#0b2f44">
${lines.join('\n')}
</g>
<rect x="${qrX}" y="${qrY}" width="${qrWidth}" height="${qrWidth}" fill="#ffffff"/>
<path transform="translate(${qrX + 4 * scale} ${qrY + 4 * scale}) scale(${scale})" d="${d}" fill="#000000" shape-rendering="crispEdges"/>
</svg>
`;
}

export function renderPoster(campaign: CampaignView, url: string, hospitalName: string | undefined): Poster {
  const svg = posterSvg(campaign, url, hospitalName);
  const png = new Resvg(svg, {
    fitTo: { mode: 'width', value: POSTER_PNG_WIDTH },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: 'white',
  })
    .render()
    .asPng();
  const where = hospitalName ?? campaign.facility ?? 'the hospital';
  return {
    svg,
    png: Buffer.from(png),
    altText: `Poster for ${where}: "${stringsFor('en').callToAction}" with a QR code that opens ${url}`,
    filename: `feedback-${campaign.shortId.toLowerCase()}`,
  };
}

export const QR_REFUSED = (channel: string) =>
  `I can't upload to <#${channel}> — invite me first (\`/invite @smx\`), or run the command in a channel I'm in. Nothing was uploaded.`;

/** Uploads the poster as PNG (to print) and SVG (to edit or print at any size), shared in one message. */
export async function uploadPoster(
  client: WebClient,
  channel: string,
  poster: Poster,
  comment: string,
): Promise<void> {
  try {
    await uploadFiles(
      client,
      channel,
      [
        {
          bytes: poster.png,
          filename: `${poster.filename}.png`,
          title: 'QR poster (PNG, A6 at 300 dpi)',
          altText: poster.altText,
        },
        {
          bytes: Buffer.from(poster.svg, 'utf8'),
          filename: `${poster.filename}.svg`,
          title: 'QR poster (SVG)',
          altText: poster.altText,
        },
      ],
      comment,
    );
  } catch (err) {
    const code = slackErrorCode(err);
    if (code && CHANNEL_ERRORS.has(code)) {
      throw new SmxError('UPSTREAM', QR_REFUSED(channel), { cause: err });
    }
    throw err;
  }
}
