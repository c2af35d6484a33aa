/**
 * Pure HTML for the public feedback page (src/http/feedback-page.ts): the form, the thank-you page and the friendly
 * closed/not-found/throttled/error pages. Mobile-first, readable at 320 px, large tap targets, works without
 * JavaScript, no external resources. Everything interpolated goes through escape-html. The one inline stylesheet is
 * allowed by its hash in the Content-Security-Policy (no 'unsafe-inline', no script at all).
 */
import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';
import { type PageStrings, stringsFor } from '../i18n/feedback';

export const MAX_TEXT_CHARS = 2000;

const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:112.5%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Devanagari",sans-serif;line-height:1.5;color:#1a1a1a;background:#f4f6f8}
main{max-width:36rem;margin:0 auto;padding:1rem 1rem 2.5rem}
.org{margin:0 0 .25rem;font-weight:700;color:#0b4f71}
h1{font-size:1.45rem;line-height:1.25;margin:.25rem 0 .75rem}
nav{margin:0 0 .75rem;text-align:right}
nav a{display:inline-block;padding:.6rem .9rem;min-height:44px;color:#0b4f71;font-weight:600}
fieldset{border:0;margin:1rem 0;padding:0}
legend{font-weight:700;margin-bottom:.5rem;padding:0}
.ratings{display:grid;gap:.5rem}
.rating{display:flex;align-items:center;gap:.75rem;min-height:52px;padding:.6rem .9rem;background:#fff;border:2px solid #8a99a8;border-radius:.6rem;cursor:pointer}
.rating input{width:1.5rem;height:1.5rem;margin:0;flex:none;accent-color:#0b4f71}
.rating:has(input:checked){border-color:#0b4f71;background:#e6f1f7}
.rating input:focus-visible{outline:3px solid #0b4f71;outline-offset:3px}
label.field{display:block;font-weight:700;margin:1.25rem 0 .25rem}
.hint{margin:0 0 .5rem;color:#4a5560;font-size:.9rem}
textarea{display:block;width:100%;min-height:8rem;padding:.75rem;font:inherit;border:2px solid #8a99a8;border-radius:.6rem;background:#fff;color:inherit}
textarea:focus{outline:3px solid #0b4f71;outline-offset:2px}
.privacy{margin:1rem 0;padding:.75rem .9rem;background:#fff;border-left:4px solid #0b4f71;font-size:.95rem}
button,.button{display:block;width:100%;min-height:52px;margin:1rem 0 .5rem;padding:.8rem 1rem;font:inherit;font-weight:700;text-align:center;text-decoration:none;color:#fff;background:#0b4f71;border:0;border-radius:.6rem;cursor:pointer}
button:focus-visible,.button:focus-visible{outline:3px solid #1a1a1a;outline-offset:3px}
.button.secondary{color:#0b4f71;background:#fff;border:2px solid #0b4f71}
.error{margin:1rem 0;padding:.75rem .9rem;background:#fdecea;border-left:4px solid #b3261e;color:#5c1410;font-weight:600}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
`;

const CSS_HASH = createHash('sha256').update(CSS).digest('base64');

/** Strict: nothing loads from anywhere, no script runs, the form posts only back here, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${CSS_HASH}'`,
  "img-src 'none'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface PageContext {
  /** The page's language and the campaign's languages (English first). */
  lang: string;
  languages: readonly string[];
  /** The campaign's facility, or the hospital's name, or undefined. */
  where: string | undefined;
  hospitalName: string | undefined;
  /** The path the form posts to, e.g. `/f/december-discharge-feedback-f7k2q`. */
  action: string;
}

function layout(s: PageStrings, ctx: PageContext, title: string, body: string, nav = ''): string {
  const org = ctx.hospitalName ? `<p class="org">${escapeHtml(ctx.hospitalName)}</p>` : '';
  return `<!doctype html>
<html lang="${escapeHtml(s.tag)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${nav}${org}<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** Links to the page in the campaign's other language(s), each labelled in its own language. */
function languageNav(s: PageStrings, ctx: PageContext): string {
  const others = ctx.languages.filter((l) => l !== ctx.lang);
  if (others.length === 0) return '';
  const links = others
    .map((l) => {
      const o = stringsFor(l);
      const href = `${ctx.action}?lang=${encodeURIComponent(l)}`;
      return `<a href="${escapeHtml(href)}" lang="${escapeHtml(o.tag)}" hreflang="${escapeHtml(o.tag)}">${escapeHtml(o.selfName)}</a>`;
    })
    .join(' ');
  return `<nav aria-label="${escapeHtml(s.languageNav)}">${links}</nav>\n`;
}

export interface FormState {
  submissionId: string;
  rating?: number | undefined;
  text?: string | undefined;
  error?: string | undefined;
}

export function formPage(ctx: PageContext, state: FormState): string {
  const s = stringsFor(ctx.lang);
  const title = s.title(ctx.where ?? s.defaultWhere);
  const ratings = s.ratings
    .map((label, i) => {
      const value = i + 1;
      const checked = state.rating === value ? ' checked' : '';
      return `<label class="rating"><input type="radio" name="rating" value="${value}" required${checked}> <span>${escapeHtml(label)}</span></label>`;
    })
    .join('\n');
  const error = state.error
    ? `<p class="error" role="alert" id="form-error">${escapeHtml(state.error)}</p>\n`
    : '';
  const body = `<p>${escapeHtml(s.intro)}</p>
${error}<form method="post" action="${escapeHtml(ctx.action)}" accept-charset="utf-8">
<input type="hidden" name="sid" value="${escapeHtml(state.submissionId)}">
<input type="hidden" name="lang" value="${escapeHtml(ctx.lang)}">
<fieldset>
<legend>${escapeHtml(s.ratingLegend)}</legend>
<div class="ratings">
${ratings}
</div>
</fieldset>
<label class="field" for="text">${escapeHtml(s.textLabel)}</label>
<p class="hint" id="text-hint">${escapeHtml(s.textHint(MAX_TEXT_CHARS))}</p>
<textarea id="text" name="text" rows="6" maxlength="${MAX_TEXT_CHARS}" aria-describedby="text-hint privacy">${escapeHtml(state.text ?? '')}</textarea>
<div class="hp" aria-hidden="true"><label for="website">${escapeHtml(s.honeypotLabel)}</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<p class="privacy" id="privacy">${escapeHtml(s.privacy)}</p>
<button type="submit">${escapeHtml(s.submit)}</button>
</form>`;
  return layout(s, ctx, title, body, languageNav(s, ctx));
}

export interface ReviewLinks {
  google?: string | undefined;
  facebook?: string | undefined;
}

/** The same page for every respondent, whatever their rating: review links are never gated on the answer. */
export function thanksPage(ctx: PageContext, links: ReviewLinks): string {
  const s = stringsFor(ctx.lang);
  const buttons = [
    links.google ? [links.google, s.googleLink] : undefined,
    links.facebook ? [links.facebook, s.facebookLink] : undefined,
  ]
    .filter((l): l is string[] => l !== undefined)
    .map(
      ([href, label]) =>
        `<a class="button secondary" href="${escapeHtml(href)}" rel="noopener noreferrer">${escapeHtml(label)}</a>`,
    );
  const invite = buttons.length > 0 ? `<p>${escapeHtml(s.reviewInvite)}</p>\n${buttons.join('\n')}` : '';
  return layout(s, ctx, s.thanksTitle, `<p>${escapeHtml(s.thanksBody)}</p>\n${invite}`);
}

/** A page with a title and one paragraph: closed, not found, not open yet, throttled, errors. */
export function messagePage(ctx: PageContext, title: string, text: string): string {
  return layout(stringsFor(ctx.lang), ctx, title, `<p>${escapeHtml(text)}</p>`);
}
