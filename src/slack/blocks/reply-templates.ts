/** `/smx templates`: every reply template with its text. Pure. */
import type { ReplyTemplateView } from '../../services/reply-templates';
import { escapeMrkdwn, truncate } from '../text';
import type { SlackMessage } from './help';
import { mrkdwnSections } from './sections';

export function replyTemplatesMessage(
  list: readonly ReplyTemplateView[],
  contact: string | undefined,
): SlackMessage {
  const lines = list.map(
    (t) =>
      `*${escapeMrkdwn(t.name)}*${t.builtIn ? ' _(built in)_' : ''}${t.suits === 'any' ? '' : ` · for ${t.suits} reviews`}\n>${escapeMrkdwn(truncate(t.text, 600))}`,
  );
  return {
    text: `${list.length} reply template(s): ${list.map((t) => t.name).join(', ')}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Reply templates' } },
      ...mrkdwnSections(lines),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `${contact ? '' : ':warning: SMX_PATIENT_RELATIONS_CONTACT is not set, so `{contact}` reads “our Patient Relations desk”. '}Approvers change them: \`/smx templates add <name> | <text>\` (\`{contact}\` = the patient-relations contact) · \`/smx templates remove <name>\`. Draft a reply with the *Draft reply* button on a review or \`/smx reply <review id>\`.`,
          },
        ],
      },
    ],
  };
}
