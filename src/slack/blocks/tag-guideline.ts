/** `/smx tags`: the #tag guideline. Pure. */
import type { Guideline } from '../../services/tags';
import { escapeMrkdwn, truncate } from '../text';
import type { SlackMessage } from './help';

export function tagGuidelineMessage(g: Guideline): SlackMessage {
  const lines: string[] = [];
  lines.push(
    g.required.length > 0
      ? `*Every post should carry:* ${g.required.map((t) => `#${t}`).join(' ')}`
      : '*Every post should carry:* nothing required yet — e.g. `/smx tags require #CityHospital`',
  );
  if (g.topics.length === 0) {
    lines.push('*Topics:* none yet — e.g. `/smx tags add flu #FluSeason #GetVaccinated`');
  } else {
    lines.push('*Topics* (a post mentioning the word should carry the tags):');
    for (const t of g.topics)
      lines.push(`• ${escapeMrkdwn(t.topic)} → ${t.tags.map((x) => `#${x}`).join(' ')}`);
  }
  const text = truncate(lines.join('\n'), 2900);
  return {
    text: `#tag guideline: required ${g.required.map((t) => `#${t}`).join(' ') || 'none'}; ${g.topics.length} topic(s)`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: '#tag guideline' } },
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Change it: `/smx tags add <topic> #A #B` · `/smx tags remove <topic>` · `/smx tags require #A` · `/smx tags unrequire #A`',
          },
        ],
      },
    ],
  };
}
